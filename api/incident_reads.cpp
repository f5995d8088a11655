// IncidentService Open, Get and List. Get answers from the incident actor (state + durable
// history); List reads the store's catalog on the blocking pool.
#include "api/convert.hpp"
#include "api/incident_service.hpp"
#include "api/status.hpp"
#include "actors/messages.hpp"
#include "domain/ulid.hpp"

namespace tocsin::api {

namespace {

grpc::Status deadline_passed() {
  return {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded before the call started"};
}

} // namespace

void fill_response(v1::IncidentResponse& out, const actors::command_reply& r) {
  to_proto(r.state, *out.mutable_incident());
  for (const auto& ev : r.events)
    to_proto(ev, *out.add_appended());
  out.set_deduplicated(r.deduplicated);
}

grpc::ServerUnaryReactor* incident_service::Open(ctx_t* ctx, const v1::OpenIncidentRequest* req,
                                                 v1::IncidentResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, req->tenant(), scope::incidents_write, refusal);
  if (!scope) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  auto cmd = from_proto(*req, scope->tenant);
  if (!cmd) {
    finish(env_, reactor, to_status(cmd.err()));
    return reactor;
  }
  if (cmd->by.empty())
    cmd->by = scope->caller;
  auto timeout = time_left(ctx);
  if (timeout.count() <= 0) {
    finish(env_, reactor, deadline_passed());
    return reactor;
  }
  auto* env = &env_;
  ask<actors::command_reply>(
    env_, env_.router, timeout,
    [env, reactor, resp](actors::command_reply& r) {
      env->tenants.put(r.state.id, r.state.tenant);
      fill_response(*resp, r);
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::open_atom::value, std::move(*cmd));
  return reactor;
}

grpc::ServerUnaryReactor* incident_service::Get(ctx_t* ctx, const v1::GetIncidentRequest* req,
                                                v1::GetIncidentResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, req->tenant(), scope::incidents_read, refusal);
  if (!scope) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  auto id = domain::parse_ulid(req->id());
  if (!id) {
    finish(env_, reactor, {grpc::StatusCode::INVALID_ARGUMENT, "id: " + id.err().message});
    return reactor;
  }
  auto timeout = time_left(ctx);
  if (timeout.count() <= 0) {
    finish(env_, reactor, deadline_passed());
    return reactor;
  }
  auto* env = &env_;
  auto id_text = req->id();
  auto sc = *scope;
  ask<actors::incident_view>(
    env_, env_.router, timeout,
    [env, reactor, resp, sc, id_text](actors::incident_view& v) {
      env->tenants.put(v.state.id, v.state.tenant);
      if (v.state.tenant != sc.tenant) {
        finish(*env, reactor, not_accessible(id_text));
        return;
      }
      to_proto(v.state, *resp->mutable_incident());
      for (const auto& ev : v.history)
        to_proto(ev, *resp->add_timeline());
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor, sc, id_text](caf::error& err) {
      auto status = to_status(err);
      if (status.error_code() == grpc::StatusCode::NOT_FOUND && sc.hide_existence)
        status = not_accessible(id_text);
      finish(*env, reactor, status);
    },
    actors::get_atom::value, req->id());
  return reactor;
}

grpc::ServerUnaryReactor* incident_service::List(ctx_t* ctx, const v1::ListIncidentsRequest* req,
                                                 v1::ListIncidentsResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, req->tenant(), scope::incidents_read, refusal);
  if (!scope) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  auto filter = from_proto(*req, scope->tenant);
  if (!filter) {
    finish(env_, reactor, to_status(filter.err()));
    return reactor;
  }
  auto* env = &env_;
  auto job = [env, reactor, resp, f = std::move(*filter)] {
    auto page = env->store->list_incidents(f);
    if (!page) {
      finish(*env, reactor, to_status(page.err()));
      return;
    }
    for (const auto& s : page->items)
      to_proto(s, *resp->add_incidents());
    resp->set_next_page_token(page->next_page_token);
    finish(*env, reactor, grpc::Status::OK);
  };
  if (!env_.pool->submit(std::move(job)))
    finish(env_, reactor, {grpc::StatusCode::UNAVAILABLE, "server shutting down"});
  return reactor;
}

} // namespace tocsin::api
