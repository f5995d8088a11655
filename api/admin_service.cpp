// Both RPCs ask the router for its stats: an answer proves the engine is alive, not just the
// gRPC server.
#include "api/admin_service.hpp"

#include "api/status.hpp"
#include "actors/messages.hpp"

#include <caf/sec.hpp>

namespace tocsin::api {

namespace {

void store_counters(persistence::store& st, google::protobuf::Map<std::string, std::uint64_t>& m) {
  auto s = st.stats();
  m["commits"] = s.commits;
  m["appends"] = s.appends;
  m["events"] = s.events;
  m["refused_full"] = s.refused_full;
  m["conflicts"] = s.conflicts;
  m["index_flushes"] = s.index_flushes;
  m["index_pending"] = s.index_pending;
  m["partitions"] = st.options().partitions;
}

void api_counters_to(const api_counters& c, google::protobuf::Map<std::string, std::uint64_t>& m) {
  m["calls"] = c.calls.load();
  m["refused"] = c.refused.load();
  m["unauthenticated"] = c.unauthenticated.load();
  m["watch_streams"] = c.watch_streams.load();
  m["watch_events"] = c.watch_events.load();
}

} // namespace

grpc::ServerUnaryReactor* admin_service::Stats(grpc::CallbackServerContext* ctx,
                                               const v1::StatsRequest*, v1::StatsResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto who = authenticate_call(env_, ctx, refusal);
  if (who && !who->has_scope(scope::admin) && who->type != principal::kind::anonymous)
    refusal = {grpc::StatusCode::PERMISSION_DENIED, "this token lacks the scope admin"};
  if (!refusal.ok()) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  auto* env = &env_;
  ask<actors::router_stats>(
    env_, env_.router, std::min(time_left(ctx), std::chrono::milliseconds{10'000}),
    [env, reactor, resp](actors::router_stats& s) {
      auto& e = *resp->mutable_engine();
      e["active_actors"] = s.active_actors;
      e["activations"] = s.activations;
      e["passivations"] = s.passivations;
      e["dedup_cache"] = s.dedup_cache;
      api_counters_to(env->counters, *resp->mutable_api());
      // store::stats() is a quick in-memory read; no LMDB transaction.
      store_counters(*env->store, *resp->mutable_store());
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::stats_atom::value);
  return reactor;
}

grpc::ServerUnaryReactor* admin_service::Health(grpc::CallbackServerContext* ctx,
                                                const v1::HealthRequest*,
                                                v1::HealthResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  if (!authenticate_call(env_, ctx, refusal)) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  auto* env = &env_;
  auto fill = [env, resp](bool engine_ok, const std::string& engine_state) {
    auto& d = *resp->mutable_details();
    auto up = std::chrono::steady_clock::now() - env->started;
    d["engine"] = engine_state;
    d["store"] = env->store->options().dir;
    d["partitions"] = std::to_string(env->store->options().partitions);
    d["listen"] = env->listen_address;
    d["tls"] = env->tls ? "on" : "off";
    d["uptime_s"] = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(up).count());
    d["watch_streams"] = std::to_string(env->counters.watch_streams.load());
    resp->set_status(engine_ok ? "SERVING" : "NOT_SERVING");
  };
  ask<actors::router_stats>(
    env_, env_.router, std::min(time_left(ctx), std::chrono::milliseconds{5'000}),
    [env, reactor, fill](actors::router_stats&) {
      fill(true, "ok");
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor, fill](caf::error& err) {
      fill(false, to_status(err).error_message());
      finish(*env, reactor, grpc::Status::OK);
    },
    actors::stats_atom::value);
  return reactor;
}

} // namespace tocsin::api
