// Helpers shared by the service implementations: authentication from call metadata, deadlines
// as CAF timeouts, and asking the router from a gRPC thread without blocking it (the reply
// handlers run on a CAF worker and finish the RPC there). Thread-safe.
#pragma once

#include "api/auth.hpp"
#include "api/service_env.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <grpcpp/server_context.h>

#include <chrono>
#include <optional>
#include <string>

namespace tocsin::api {

/// Authenticates the caller; on refusal `refusal` holds the status to answer with.
std::optional<principal> authenticate_call(service_env& env, grpc::CallbackServerContext* ctx,
                                           grpc::Status& refusal);

/// The tenant a call acts for. hide_existence: the caller cannot see every tenant, so a missing
/// incident is answered like another tenant's one (PERMISSION_DENIED, same message).
struct call_scope {
  std::string tenant;
  std::string caller; // principal name: the default `by` of the audit timeline
  bool hide_existence = true;
};

/// The call's scope, with `scope` checked; nullopt and `refusal` set otherwise.
std::optional<call_scope> authorize_call(service_env& env, grpc::CallbackServerContext* ctx,
                                          const std::string& requested_tenant,
                                          std::string_view scope, grpc::Status& refusal);

/// The scope of a unary call to a service this node may not run: authorize_call, then
/// UNAVAILABLE `not_served` unless `served`, then the deadline. On refusal the call is finished
/// (and counted) and nullopt returned.
std::optional<call_scope> admit_call(service_env& env, grpc::CallbackServerContext* ctx,
                                     grpc::ServerUnaryReactor* reactor, const std::string& tenant,
                                     std::string_view scope, bool served,
                                     const char* not_served);

/// Time left until the client's deadline (a default when it set none); zero or negative means
/// it has already passed.
std::chrono::milliseconds time_left(const grpc::CallbackServerContext* ctx);

/// Finishes a unary call and counts refusals.
void finish(service_env& env, grpc::ServerUnaryReactor* reactor, const grpc::Status& status);

/// Sends one request to `dest` from one of the gateway's bridge actors (a message, not a spawn,
/// per call); exactly one of the handlers runs, on a CAF worker. A timed-out request arrives as
/// caf::sec::request_timeout.
template <class Reply, class OnOk, class OnErr, class... Ts>
void ask(service_env& env, const caf::actor& dest, std::chrono::milliseconds timeout, OnOk on_ok,
         OnErr on_err, Ts... xs) {
  bridge_job job{[=](caf::event_based_actor* self) mutable {
    self->request(dest, timeout, std::move(xs)...)
      .then([=](Reply& reply) mutable { on_ok(reply); },
            [=](caf::error& err) mutable { on_err(err); });
  }};
  caf::anon_send(env.next_bridge(), std::move(job));
}

} // namespace tocsin::api
