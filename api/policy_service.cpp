// Apply asks the policy manager (which validates and answers once the policy is durable), then
// reads the stored copy on the blocking pool so the reply shows exactly what was written, with
// its source and time. Get reads the stored copy only: no actor needs to wake for a read.
#include "api/policy_service.hpp"

#include "actors/messages.hpp"
#include "api/status.hpp"
#include "persistence/policy_codec.hpp"
#include "tocsin/v1/definitions.pb.h"

namespace tocsin::api {

namespace {

grpc::Status unavailable_policies() {
  return {grpc::StatusCode::UNAVAILABLE, "policies are not served by this node"};
}

bool has_redacted(const domain::tenant_policy& p) {
  for (const auto& [name, c] : p.channels)
    if (c.secret == redacted_secret)
      return true;
  return false;
}

// The stored policy (or the default one) into the response, secrets redacted. Blocking read.
grpc::Status read_stored(persistence::store& st, const std::string& tenant,
                         v1::PolicyResponse& resp) {
  auto got = st.get(persistence::kv_db::definitions, persistence::policy_key(tenant));
  if (!got.ok())
    return to_status(got.err());
  persistence::stored_policy sp;
  if (got.value()) {
    if (auto err = persistence::decode_policy(*got.value(), sp); err.code != domain::errc::ok)
      return to_status(err);
  } else {
    sp.policy = domain::default_policy(tenant);
    sp.source = "default";
  }
  persistence::policy_to_pb(sp.policy, *resp.mutable_policy());
  redact_secrets(*resp.mutable_policy());
  resp.set_source(sp.source);
  resp.set_applied_at_unix_nano(sp.applied_at);
  return grpc::Status::OK;
}

void answer_from_store(service_env* env, grpc::ServerUnaryReactor* reactor,
                       v1::PolicyResponse* resp, const std::string& tenant) {
  auto job = [env, reactor, resp, tenant] {
    finish(*env, reactor, read_stored(*env->store, tenant, *resp));
  };
  if (!env->pool->submit(std::move(job)))
    finish(*env, reactor, {grpc::StatusCode::UNAVAILABLE, "server shutting down"});
}

void send_apply(service_env* env, grpc::ServerUnaryReactor* reactor, v1::PolicyResponse* resp,
                domain::tenant_policy p, std::chrono::milliseconds timeout) {
  // Not ask<>: the manager answers with an empty message once the policy is durable.
  auto dest = env->policies;
  bridge_job job{[=](caf::event_based_actor* self) mutable {
    auto tenant = p.tenant;
    self->request(dest, timeout, actors::policy_apply_atom::value, std::move(p), std::string{"api"})
      .then([=] { answer_from_store(env, reactor, resp, tenant); },
            [=](caf::error& err) { finish(*env, reactor, to_status(err)); });
  }};
  caf::anon_send(env->next_bridge(), std::move(job));
}

} // namespace

void redact_secrets(v1::TenantPolicy& m) {
  for (auto& c : *m.mutable_channels())
    c.set_secret(c.secret().empty() ? "" : std::string{redacted_secret});
}

domain::error keep_redacted_secrets(domain::tenant_policy& incoming,
                                    const domain::tenant_policy& stored) {
  for (auto& [name, c] : incoming.channels) {
    if (c.secret != redacted_secret)
      continue;
    auto it = stored.channels.find(name);
    if (it == stored.channels.end() || it->second.secret.empty())
      return domain::make_error(domain::errc::invalid_argument,
                                "channels." + name + ".secret: \"***\" keeps the stored secret, "
                                "but this channel has none");
    c.secret = it->second.secret;
  }
  return {};
}

grpc::ServerUnaryReactor* policy_service::Apply(grpc::CallbackServerContext* ctx,
                                                const v1::ApplyPolicyRequest* req,
                                                v1::PolicyResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, req->policy().tenant(), scope::policy_write, refusal);
  domain::tenant_policy p;
  if (scope && !env_.policies)
    refusal = unavailable_policies();
  else if (scope && !persistence::policy_from_pb(req->policy(), p))
    refusal = {grpc::StatusCode::INVALID_ARGUMENT, "policy: an enum value is out of range"};
  auto timeout = time_left(ctx);
  if (refusal.ok() && timeout.count() <= 0)
    refusal = {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded before the call started"};
  if (!refusal.ok()) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  p.tenant = scope->tenant;
  auto* env = &env_;
  if (!has_redacted(p)) {
    send_apply(env, reactor, resp, std::move(p), timeout);
    return reactor;
  }
  // "***" means "keep": fetch the current secrets first. An Apply racing this one may change
  // them in between; the last Apply wins, as it would without redaction.
  auto tenant = p.tenant;
  ask<domain::tenant_policy>(
    env_, env_.policies, timeout,
    [env, reactor, resp, p, timeout](domain::tenant_policy& stored) mutable {
      if (auto err = keep_redacted_secrets(p, stored); err.code != domain::errc::ok) {
        finish(*env, reactor, to_status(err));
        return;
      }
      send_apply(env, reactor, resp, std::move(p), timeout);
    },
    [env, reactor](caf::error& err) { finish(*env, reactor, to_status(err)); },
    actors::policy_get_atom::value, tenant);
  return reactor;
}

grpc::ServerUnaryReactor* policy_service::Get(grpc::CallbackServerContext* ctx,
                                              const v1::GetPolicyRequest* req,
                                              v1::PolicyResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, req->tenant(), scope::policy_read, refusal);
  if (!scope) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  answer_from_store(&env_, reactor, resp, scope->tenant);
  return reactor;
}

} // namespace tocsin::api
