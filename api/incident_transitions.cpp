// IncidentService transitions: Acknowledge, BeginInvestigation, Mitigate, Escalate, Engage,
// Resolve, AddNote. The tenant is checked before the command reaches the incident, so a refused
// caller never changes (or learns about) another tenant's incident.
#include "api/convert.hpp"
#include "api/incident_service.hpp"
#include "api/status.hpp"
#include "actors/messages.hpp"
#include "domain/ulid.hpp"

#include <memory>
#include <type_traits>

namespace tocsin::api {

void fill_response(v1::IncidentResponse& out, const actors::command_reply& r);

namespace {

using steady = std::chrono::steady_clock;

void default_by(domain::incident_command& cmd, const std::string& caller) {
  std::visit(
    [&](auto& c) {
      if constexpr (!std::is_same_v<std::decay_t<decltype(c)>, domain::repeat_signal>)
        if (c.by.empty())
          c.by = caller;
    },
    cmd);
}

std::chrono::milliseconds left_until(steady::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
  return std::max(left, std::chrono::milliseconds{1});
}

struct pending_transition {
  service_env* env;
  grpc::ServerUnaryReactor* reactor;
  v1::IncidentResponse* resp;
  std::string id;
  domain::incident_command cmd;
  std::uint64_t expected_version;
  call_scope scope;
  steady::time_point until;

  grpc::Status refusal(const caf::error& err) const {
    auto status = to_status(err);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND && scope.hide_existence)
      return not_accessible(id);
    return status;
  }

  // The pending call travels by shared pointer: one allocation per call, not one per hop.
  static void send_command(std::shared_ptr<const pending_transition> t) {
    auto* env = t->env;
    ask<actors::command_reply>(
      *env, env->router, left_until(t->until),
      [t](actors::command_reply& r) {
        fill_response(*t->resp, r);
        finish(*t->env, t->reactor, grpc::Status::OK);
      },
      [t](caf::error& err) { finish(*t->env, t->reactor, t->refusal(err)); },
      actors::command_atom::value, t->id, t->cmd, t->expected_version);
  }

  // Learns the incident's tenant through a Get (first command on an id since start-up).
  static void check_tenant_then_send(std::shared_ptr<const pending_transition> t) {
    auto* env = t->env;
    ask<actors::incident_view>(
      *env, env->router, left_until(t->until),
      [t](actors::incident_view& v) {
        t->env->tenants.put(v.state.id, v.state.tenant);
        if (v.state.tenant != t->scope.tenant)
          finish(*t->env, t->reactor, not_accessible(t->id));
        else
          send_command(t);
      },
      [t](caf::error& err) { finish(*t->env, t->reactor, t->refusal(err)); },
      actors::get_atom::value, t->id);
  }
};

} // namespace

grpc::ServerUnaryReactor* incident_service::transition(ctx_t* ctx,
                                                       const v1::TransitionTarget& target,
                                                       domain::incident_command cmd,
                                                       v1::IncidentResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, target.tenant(), scope::incidents_write, refusal);
  if (!scope) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  if (auto id = domain::parse_ulid(target.id()); !id) {
    finish(env_, reactor, {grpc::StatusCode::INVALID_ARGUMENT, "id: " + id.err().message});
    return reactor;
  }
  auto timeout = time_left(ctx);
  if (timeout.count() <= 0) {
    finish(env_, reactor, {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded"});
    return reactor;
  }
  default_by(cmd, scope->caller);
  auto known = env_.tenants.find(target.id());
  if (known && *known != scope->tenant) {
    finish(env_, reactor, not_accessible(target.id()));
    return reactor;
  }
  auto t = std::make_shared<const pending_transition>(
    pending_transition{&env_, reactor, resp, target.id(), std::move(cmd),
                       target.expected_version(), std::move(*scope), steady::now() + timeout});
  if (known)
    pending_transition::send_command(std::move(t));
  else
    pending_transition::check_tenant_then_send(std::move(t));
  return reactor;
}

grpc::ServerUnaryReactor* incident_service::Acknowledge(ctx_t* ctx,
                                                        const v1::AcknowledgeRequest* req,
                                                        v1::IncidentResponse* resp) {
  return transition(ctx, req->target(), domain::acknowledge{req->target().by()}, resp);
}

grpc::ServerUnaryReactor*
incident_service::BeginInvestigation(ctx_t* ctx, const v1::BeginInvestigationRequest* req,
                                     v1::IncidentResponse* resp) {
  return transition(ctx, req->target(), domain::begin_investigation{req->target().by()}, resp);
}

grpc::ServerUnaryReactor* incident_service::Mitigate(ctx_t* ctx, const v1::MitigateRequest* req,
                                                     v1::IncidentResponse* resp) {
  return transition(ctx, req->target(),
                    domain::apply_mitigation{req->mitigation(), req->target().by()}, resp);
}

grpc::ServerUnaryReactor* incident_service::Escalate(ctx_t* ctx, const v1::EscalateRequest* req,
                                                     v1::IncidentResponse* resp) {
  return transition(
    ctx, req->target(),
    domain::escalate{domain::escalation_reason::manual, std::nullopt, req->target().by()}, resp);
}

grpc::ServerUnaryReactor* incident_service::Engage(ctx_t* ctx, const v1::EngageRequest* req,
                                                   v1::IncidentResponse* resp) {
  return transition(ctx, req->target(), domain::engage_on_call{req->target().by()}, resp);
}

grpc::ServerUnaryReactor* incident_service::Resolve(ctx_t* ctx, const v1::ResolveRequest* req,
                                                    v1::IncidentResponse* resp) {
  return transition(ctx, req->target(), domain::resolve{req->root_cause(), req->target().by()},
                    resp);
}

grpc::ServerUnaryReactor* incident_service::AddNote(ctx_t* ctx, const v1::AddNoteRequest* req,
                                                    v1::IncidentResponse* resp) {
  return transition(ctx, req->target(), domain::add_note{req->text(), req->target().by()}, resp);
}

} // namespace tocsin::api
