#include "api/call_support.hpp"

#include "api/status.hpp"

namespace tocsin::api {

namespace {

// Without a client deadline a call must still end: a stuck actor never pins a gRPC call forever.
constexpr std::chrono::milliseconds default_timeout{60'000};

} // namespace

std::optional<principal> authenticate_call(service_env& env, grpc::CallbackServerContext* ctx,
                                           grpc::Status& refusal) {
  env.counters.calls.fetch_add(1, std::memory_order_relaxed);
  const auto& md = ctx->client_metadata();
  std::optional<std::string_view> header;
  auto it = md.find("authorization");
  if (it != md.end())
    header = std::string_view{it->second.data(), it->second.size()};
  auto who = env.auth->authenticate(header);
  if (!who.ok()) {
    env.counters.unauthenticated.fetch_add(1, std::memory_order_relaxed);
    refusal = to_status(who.error);
    return std::nullopt;
  }
  return std::move(*who.value);
}

std::optional<call_scope> authorize_call(service_env& env, grpc::CallbackServerContext* ctx,
                                          const std::string& requested_tenant,
                                          std::string_view scope, grpc::Status& refusal) {
  auto who = authenticate_call(env, ctx, refusal);
  if (!who)
    return std::nullopt;
  auto tenant = authenticator::tenant_for(*who, requested_tenant, scope);
  if (!tenant.ok()) {
    refusal = to_status(tenant.error);
    return std::nullopt;
  }
  return call_scope{std::move(*tenant.value), who->name, !who->may_act_for("*")};
}

std::optional<call_scope> admit_call(service_env& env, grpc::CallbackServerContext* ctx,
                                     grpc::ServerUnaryReactor* reactor, const std::string& tenant,
                                     std::string_view scope, bool served,
                                     const char* not_served) {
  grpc::Status refusal;
  auto s = authorize_call(env, ctx, tenant, scope, refusal);
  if (s && !served)
    refusal = {grpc::StatusCode::UNAVAILABLE, not_served};
  if (s && refusal.ok() && time_left(ctx).count() <= 0)
    refusal = {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded before the call started"};
  if (!refusal.ok()) {
    finish(env, reactor, refusal);
    return std::nullopt;
  }
  return s;
}

std::chrono::milliseconds time_left(const grpc::CallbackServerContext* ctx) {
  auto deadline = ctx->deadline();
  auto now = std::chrono::system_clock::now();
  if (deadline - now > std::chrono::hours{24 * 365})
    return default_timeout;
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
}

void finish(service_env& env, grpc::ServerUnaryReactor* reactor, const grpc::Status& status) {
  if (!status.ok())
    env.counters.refused.fetch_add(1, std::memory_order_relaxed);
  reactor->Finish(status);
}

} // namespace tocsin::api
