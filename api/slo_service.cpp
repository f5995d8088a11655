// Every call is one request to the SLO manager from a bridge actor; Status also reads the
// dedup index (on the blocking pool) so that the open incident it shows is the one the router
// would fold the next breach into, not one resolved since.
#include "api/slo_service.hpp"

#include "actors/messages.hpp"
#include "actors/slo_messages.hpp"
#include "api/slo_convert.hpp"
#include "api/status.hpp"
#include "domain/dedup.hpp"
#include "persistence/slo_codec.hpp"
#include "tocsin/v1/definitions.pb.h"

namespace tocsin::api {

namespace {

void answer_status(service_env* env, grpc::ServerUnaryReactor* reactor, v1::SloStatus* resp,
                   actors::slo_status_view view) {
  auto job = [env, reactor, resp, view = std::move(view)] {
    const auto& d = view.slo.definition;
    auto open =
      env->store->find_open(domain::dedup_key{d.tenant, domain::incident_source::slo, d.id});
    if (!open.ok()) {
      finish(*env, reactor, to_status(open.err()));
      return;
    }
    status_to_pb(view, open.value() ? *open.value() : std::string{}, *resp);
    finish(*env, reactor, grpc::Status::OK);
  };
  if (!env->pool->submit(std::move(job)))
    finish(*env, reactor, {grpc::StatusCode::UNAVAILABLE, "server shutting down"});
}

} // namespace

std::optional<call_scope> slo_service::admit(grpc::CallbackServerContext* ctx,
                                             grpc::ServerUnaryReactor* reactor,
                                             const std::string& tenant, std::string_view scope) {
  return admit_call(env_, ctx, reactor, tenant, scope, static_cast<bool>(env_.slos),
                    "SLOs are not served by this node");
}

grpc::ServerUnaryReactor* slo_service::Apply(grpc::CallbackServerContext* ctx,
                                             const v1::ApplySloRequest* req,
                                             v1::ApplySloResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant(), scope::slo_write);
  if (!scope)
    return reactor;
  auto defs = definitions_of(*req, scope->tenant);
  if (!defs) {
    finish(env_, reactor, to_status(defs.err()));
    return reactor;
  }
  auto* env = &env_;
  ask<std::vector<persistence::stored_slo>>(
    env_, env_.slos, time_left(ctx),
    [env, reactor, resp](std::vector<persistence::stored_slo>& stored) {
      for (const auto& s : stored)
        persistence::stored_slo_to_pb(s, *resp->add_slos());
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::slo_apply_atom::value, std::move(*defs), std::string{"api"}, req->yaml());
  return reactor;
}

grpc::ServerUnaryReactor* slo_service::Get(grpc::CallbackServerContext* ctx,
                                           const v1::GetSloRequest* req, v1::StoredSlo* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant(), scope::slo_read);
  if (!scope)
    return reactor;
  auto* env = &env_;
  ask<persistence::stored_slo>(
    env_, env_.slos, time_left(ctx),
    [env, reactor, resp](persistence::stored_slo& s) {
      persistence::stored_slo_to_pb(s, *resp);
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::slo_get_atom::value, scope->tenant, req->id());
  return reactor;
}

grpc::ServerUnaryReactor* slo_service::List(grpc::CallbackServerContext* ctx,
                                            const v1::ListSlosRequest* req,
                                            v1::ListSlosResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant(), scope::slo_read);
  if (!scope)
    return reactor;
  auto* env = &env_;
  ask<std::vector<persistence::stored_slo>>(
    env_, env_.slos, time_left(ctx),
    [env, reactor, resp](std::vector<persistence::stored_slo>& all) {
      for (const auto& s : all)
        persistence::stored_slo_to_pb(s, *resp->add_slos());
      finish(*env, reactor, grpc::Status::OK);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::slo_list_atom::value, scope->tenant);
  return reactor;
}

grpc::ServerUnaryReactor* slo_service::Delete(grpc::CallbackServerContext* ctx,
                                              const v1::DeleteSloRequest* req,
                                              v1::DeleteSloResponse*) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant(), scope::slo_write);
  if (!scope)
    return reactor;
  // Not ask<>: the manager answers with an empty message once the delete is durable.
  auto* env = &env_;
  auto dest = env_.slos;
  auto timeout = time_left(ctx);
  bridge_job job{[=, tenant = scope->tenant, id = req->id()](caf::event_based_actor* self) {
    self->request(dest, timeout, actors::slo_delete_atom::value, tenant, id)
      .then([=] { finish(*env, reactor, grpc::Status::OK); },
            [=](caf::error& err) { finish(*env, reactor, to_status(err)); });
  }};
  caf::anon_send(env_.next_bridge(), std::move(job));
  return reactor;
}

grpc::ServerUnaryReactor* slo_service::Status(grpc::CallbackServerContext* ctx,
                                              const v1::SloStatusRequest* req,
                                              v1::SloStatus* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto scope = admit(ctx, reactor, req->tenant(), scope::slo_read);
  if (!scope)
    return reactor;
  auto* env = &env_;
  ask<actors::slo_status_view>(
    env_, env_.slos, time_left(ctx),
    [env, reactor, resp](actors::slo_status_view& view) {
      answer_status(env, reactor, resp, std::move(view));
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::slo_status_atom::value, scope->tenant, req->id());
  return reactor;
}

} // namespace tocsin::api
