// tocsin.v1.PolicyService: a tenant's escalation policy read and applied through the engine's
// policy manager (validated, durable, then published). Owned by the gateway; called on gRPC
// threads. Secrets never leave the server: Get shows a set secret as "***".
#pragma once

#include "api/call_support.hpp"
#include "api/service_env.hpp"
#include "domain/policy.hpp"
#include "tocsin/v1/api.grpc.pb.h"

namespace tocsin::api {

/// What Get shows instead of a channel secret, and what Apply reads as "keep the stored one".
inline constexpr std::string_view redacted_secret = "***";

/// Secrets replaced by redacted_secret (set) or "" (none). Pure.
void redact_secrets(v1::TenantPolicy& m);

/// Replaces each redacted secret of `incoming` by the one `stored` has for the same channel;
/// invalid_argument naming the channel when there is none to keep. Pure.
domain::error keep_redacted_secrets(domain::tenant_policy& incoming,
                                    const domain::tenant_policy& stored);

class policy_service final : public v1::PolicyService::CallbackService {
public:
  explicit policy_service(service_env& env) : env_(env) {}

  grpc::ServerUnaryReactor* Apply(grpc::CallbackServerContext* ctx,
                                  const v1::ApplyPolicyRequest* req,
                                  v1::PolicyResponse* resp) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx, const v1::GetPolicyRequest* req,
                                v1::PolicyResponse* resp) override;

private:
  service_env& env_;
};

} // namespace tocsin::api
