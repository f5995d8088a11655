// AdminService DeliveryStats, ListDeadLetters, GetDeadLetter and ReplayDeadLetter. Who sees
// what: a tenant token its own tenant's channels and dead letters; a service token with the
// admin scope the tenants it may act for; an anonymous dev caller everything. Dead letters
// without a tenant (events the notifier could not read, OTLP payloads naming none) only reach
// callers that may act for every tenant. All read on the blocking pool: the stats function may
// lock, the scans read LMDB. A replay finishes on the store's writer thread.
#include "api/admin_service.hpp"

#include "api/dead_letter_view.hpp"
#include "api/status.hpp"

#include <algorithm>

namespace tocsin::api {

namespace {

constexpr std::int32_t default_page = 100;
constexpr std::int32_t max_page = 1000;
// A tenant token's page scans past other tenants' entries until it is full or the store ends:
// stopping early would hand back a page token that is another tenant's key, revealing that it
// exists. Dead letters are few (each is a delivery that failed every attempt).
constexpr std::size_t scan_batch = 256;

// The caller, if it may use the delivery RPCs at all.
std::optional<principal> delivery_caller(service_env& env, grpc::CallbackServerContext* ctx,
                                         grpc::Status& refusal) {
  auto who = authenticate_call(env, ctx, refusal);
  if (who && who->type == principal::kind::service && !who->has_scope(scope::admin)) {
    refusal = {grpc::StatusCode::PERMISSION_DENIED, "this token lacks the scope admin"};
    return std::nullopt;
  }
  return who;
}

// The caller, or nullopt once the call is finished with the refusal; `check` is the request's
// own refusal (if not OK), answered only to a caller who may use the RPCs.
std::optional<principal> admit(service_env& env, grpc::CallbackServerContext* ctx,
                               grpc::ServerUnaryReactor* reactor,
                               grpc::Status check = grpc::Status::OK) {
  grpc::Status refusal;
  auto who = delivery_caller(env, ctx, refusal);
  if (who && !check.ok())
    refusal = std::move(check);
  if (!refusal.ok()) {
    finish(env, reactor, refusal);
    return std::nullopt;
  }
  return who;
}

grpc::Status id_required(const std::string& id) {
  return id.empty() ? grpc::Status{grpc::StatusCode::INVALID_ARGUMENT, "id: required"}
                    : grpc::Status::OK;
}

bool may_see(const principal& who, const std::string& tenant) {
  return tenant.empty() ? who.may_act_for("*") : who.may_act_for(tenant);
}

template <class Job>
void on_pool(service_env& env, grpc::ServerUnaryReactor* reactor, Job job) {
  if (!env.pool->submit(std::move(job)))
    finish(env, reactor, {grpc::StatusCode::UNAVAILABLE, "server shutting down"});
}

// Another tenant's dead letter and a missing one look the same unless the caller sees all.
grpc::Status hidden(const std::string& key) {
  return {grpc::StatusCode::PERMISSION_DENIED,
          "dead letter " + key + " is not accessible with this token"};
}

// On a pool thread: the stored value of dead letter `key`, or nullopt once the call is finished
// (a store error, or no such entry).
std::optional<std::string> stored_dead_letter(service_env& env, grpc::ServerUnaryReactor* reactor,
                                              const principal& who, const std::string& key) {
  auto got = env.store->get(persistence::kv_db::dead_letters, key);
  if (!got.ok()) {
    finish(env, reactor, to_status(got.err()));
    return std::nullopt;
  }
  if (!*got) {
    finish(env, reactor,
           who.may_act_for("*")
             ? grpc::Status{grpc::StatusCode::NOT_FOUND, "dead letter " + key + " not found"}
             : hidden(key));
    return std::nullopt;
  }
  return std::move(**got);
}

grpc::Status list_page(persistence::store& st, const principal& who,
                       const v1::ListDeadLettersRequest& req, v1::ListDeadLettersResponse& resp) {
  std::string prefix;
  if (!req.kind().empty()) {
    auto known = std::find(std::begin(dead_letter_kinds), std::end(dead_letter_kinds), req.kind());
    if (known == std::end(dead_letter_kinds))
      return {grpc::StatusCode::INVALID_ARGUMENT,
              "kind: unknown dead-letter kind '" + req.kind()
                + "' (notification, notify-event, otlp)"};
    prefix = req.kind() + "/";
  }
  if (req.page_size() < 0)
    return {grpc::StatusCode::INVALID_ARGUMENT, "page_size: must not be negative"};
  const auto want = static_cast<std::size_t>(
    req.page_size() == 0 ? default_page : std::min(req.page_size(), max_page));
  // The token is the last key returned; the next page starts right after it.
  std::string from = req.page_token().empty() ? prefix : req.page_token() + std::string(1, '\0');
  for (;;) {
    auto rows = st.scan(persistence::kv_db::dead_letters, prefix, from, scan_batch);
    if (!rows.ok())
      return to_status(rows.err());
    for (const auto& [key, value] : *rows) {
      from = key + std::string(1, '\0');
      v1::DeadLetter dl;
      if (!dead_letter_from(key, value, false, dl) || !may_see(who, dl.tenant()))
        continue;
      *resp.add_dead_letters() = std::move(dl);
      if (static_cast<std::size_t>(resp.dead_letters_size()) == want) {
        resp.set_next_page_token(key);
        return grpc::Status::OK;
      }
    }
    if (rows->size() < scan_batch)
      return grpc::Status::OK;
  }
}

grpc::Status replay_status(const std::string& key, const dead_letter_replay_result& r) {
  using st = dead_letter_replay_result::status;
  switch (r.st) {
    case st::replayed: return grpc::Status::OK;
    case st::still_failing:
      return {grpc::StatusCode::FAILED_PRECONDITION,
              "dead letter " + key + " still fails (" + r.reason + "): " + r.message
                + "; it is kept"};
    case st::overloaded:
      return {grpc::StatusCode::RESOURCE_EXHAUSTED,
              r.message.empty() ? "ingest queues are full: retry later" : r.message};
    case st::not_found: return {grpc::StatusCode::NOT_FOUND, r.message};
    case st::not_replayable: return {grpc::StatusCode::FAILED_PRECONDITION, r.message};
    case st::busy: return {grpc::StatusCode::ABORTED, r.message};
    case st::unavailable: return {grpc::StatusCode::UNAVAILABLE, r.message};
    case st::error: break;
  }
  return {grpc::StatusCode::INTERNAL, r.message};
}

// On a pool thread: checks the dead letter exists, is visible to the caller and is OTLP, then
// hands it to the receivers' replay, which finishes the call.
void replay_checked(service_env& env, grpc::ServerUnaryReactor* reactor, const principal& who,
                    const std::string& key, v1::ReplayDeadLetterResponse* resp) {
  auto got = stored_dead_letter(env, reactor, who, key);
  if (!got)
    return;
  v1::DeadLetter dl;
  if (!dead_letter_from(key, *got, false, dl))
    return finish(env, reactor,
                  {grpc::StatusCode::DATA_LOSS, "dead letter " + key + " cannot be read"});
  if (!may_see(who, dl.tenant()))
    return finish(env, reactor, hidden(key));
  if (dl.kind() != "otlp")
    return finish(env, reactor, {grpc::StatusCode::FAILED_PRECONDITION,
                                 "replay applies to otlp dead letters, not " + dl.kind()});
  if (!env.replay_dead_letter)
    return finish(env, reactor, {grpc::StatusCode::UNAVAILABLE,
                                 "OTLP dead letters are not replayed by this node (receivers off)"});
  auto* e = &env;
  env.replay_dead_letter(key, [e, reactor, resp, key](dead_letter_replay_result r) {
    if (r.st == dead_letter_replay_result::status::replayed) {
      resp->set_id(key);
      resp->set_tenant(r.tenant);
      resp->set_signal(r.signal);
      resp->set_accepted(r.accepted);
      resp->set_rejected(r.rejected);
      resp->set_message(r.message);
    }
    finish(*e, reactor, replay_status(key, r));
  });
}

} // namespace

grpc::ServerUnaryReactor* admin_service::DeliveryStats(grpc::CallbackServerContext* ctx,
                                                       const v1::DeliveryStatsRequest*,
                                                       v1::DeliveryStatsResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  const grpc::Status served =
    env_.delivery_stats ? grpc::Status::OK
                        : grpc::Status{grpc::StatusCode::UNAVAILABLE,
                                       "delivery stats are not served by this node"};
  auto who = admit(env_, ctx, reactor, served);
  if (!who)
    return reactor;
  auto* env = &env_;
  on_pool(env_, reactor, [env, reactor, resp, who = std::move(*who)] {
    for (const auto& s : env->delivery_stats()) {
      if (!may_see(who, s.tenant))
        continue;
      auto* c = resp->add_channels();
      c->set_tenant(s.tenant);
      c->set_channel(s.channel);
      c->set_delivered(s.delivered);
      c->set_attempts(s.attempts);
      c->set_failures(s.failures);
      c->set_dead_lettered(s.dead_lettered);
      c->set_pending(s.pending);
      c->set_last_error(s.last_error);
      c->set_last_latency_ms(s.last_latency_ms);
    }
    finish(*env, reactor, grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* admin_service::ListDeadLetters(grpc::CallbackServerContext* ctx,
                                                         const v1::ListDeadLettersRequest* req,
                                                         v1::ListDeadLettersResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto who = admit(env_, ctx, reactor);
  if (!who)
    return reactor;
  auto* env = &env_;
  on_pool(env_, reactor, [env, reactor, req, resp, who = std::move(*who)] {
    finish(*env, reactor, list_page(*env->store, who, *req, *resp));
  });
  return reactor;
}

grpc::ServerUnaryReactor* admin_service::GetDeadLetter(grpc::CallbackServerContext* ctx,
                                                       const v1::GetDeadLetterRequest* req,
                                                       v1::DeadLetter* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto who = admit(env_, ctx, reactor, id_required(req->id()));
  if (!who)
    return reactor;
  // A bare notification id is accepted for the common case.
  auto key = req->id().find('/') == std::string::npos ? "notification/" + req->id() : req->id();
  auto* env = &env_;
  on_pool(env_, reactor, [env, reactor, resp, key, who = std::move(*who)] {
    auto got = stored_dead_letter(*env, reactor, who, key);
    if (!got)
      return;
    if (!dead_letter_from(key, *got, true, *resp)) {
      finish(*env, reactor, {grpc::StatusCode::DATA_LOSS, "dead letter " + key + " is not JSON"});
      return;
    }
    finish(*env, reactor, may_see(who, resp->tenant()) ? grpc::Status::OK : hidden(key));
  });
  return reactor;
}

grpc::ServerUnaryReactor* admin_service::ReplayDeadLetter(grpc::CallbackServerContext* ctx,
                                                          const v1::ReplayDeadLetterRequest* req,
                                                          v1::ReplayDeadLetterResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto who = admit(env_, ctx, reactor, id_required(req->id()));
  if (!who)
    return reactor;
  // A bare id is an OTLP dead letter's: the only kind that replays.
  auto key = req->id().find('/') == std::string::npos ? "otlp/" + req->id() : req->id();
  auto* env = &env_;
  on_pool(env_, reactor, [env, reactor, resp, key, who = std::move(*who)] {
    replay_checked(*env, reactor, who, key, resp);
  });
  return reactor;
}

} // namespace tocsin::api
