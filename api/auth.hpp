// Bearer-token authentication and per-call authorisation of the operator API (DESIGN.md §9).
// Built once from api_options; thread-safe to use from every gRPC callback. No gRPC types here:
// the services pass the raw `authorization` header value in.
#pragma once

#include "api/api_options.hpp"
#include "domain/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::api {

/// What a call may do. "incidents:read" covers Get, List and Watch; "incidents:write" covers
/// Open and every transition; "admin" covers Stats, DeliveryStats and dead letters (a tenant
/// token reaches its own tenant's delivery stats and dead letters without it); "policy:read"
/// covers PolicyService.Get and "policy:write" Apply; "slo:read" covers SloService Get, List and
/// Status, "slo:write" Apply and Delete. Tenant tokens and anonymous callers hold incidents:*,
/// policy:* and slo:*. "telemetry:write" lets a service token (e.g. an OpenTelemetry collector)
/// send OTLP for the tenants it may act for; tenant tokens and anonymous callers need no scope
/// for OTLP (api/otlp_ingest.hpp).
namespace scope {
constexpr std::string_view incidents_read = "incidents:read";
constexpr std::string_view incidents_write = "incidents:write";
constexpr std::string_view admin = "admin";
constexpr std::string_view policy_read = "policy:read";
constexpr std::string_view policy_write = "policy:write";
constexpr std::string_view slo_read = "slo:read";
constexpr std::string_view slo_write = "slo:write";
constexpr std::string_view telemetry_write = "telemetry:write";
/// FeedbackService List, Get and QualityScores; tenant tokens and anonymous callers hold it.
constexpr std::string_view feedback_read = "feedback:read";
} // namespace scope

/// The authenticated caller of one RPC.
struct principal {
  enum class kind { tenant, service, anonymous } type = kind::anonymous;
  std::string name;                 // tenant id, service token name or "anonymous"
  std::vector<std::string> tenants; // tenants it may act for; {"*"} = all
  std::vector<std::string> scopes;  // tenant tokens and anonymous callers: read + write

  bool has_scope(std::string_view s) const;
  bool may_act_for(const std::string& tenant) const;
};

/// Refusal reasons map to UNAUTHENTICATED (bad or missing token) and PERMISSION_DENIED.
struct auth_error {
  enum class kind { unauthenticated, permission_denied } type = kind::unauthenticated;
  std::string message;
};

template <class T>
struct auth_result {
  std::optional<T> value;
  auth_error error;
  bool ok() const { return value.has_value(); }
};

class authenticator {
public:
  explicit authenticator(const api_options& opts);

  /// `authorization` is the header value ("Bearer <token>"), or nullopt when absent.
  auth_result<principal> authenticate(const std::optional<std::string_view>& authorization) const;

  /// The tenant a call acts for: `requested` (may be empty) checked against the principal, and
  /// the required scope. Tenant tokens default to their tenant, anonymous callers to "default".
  static auth_result<std::string> tenant_for(const principal& p, const std::string& requested,
                                             std::string_view required_scope);

  std::size_t token_count() const { return entries_.size(); }

private:
  struct entry {
    std::string value;
    principal who;
  };
  std::vector<entry> entries_;
  bool allow_anonymous_;
};

/// Compares in time independent of where the strings differ (and of `a`'s content).
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace tocsin::api
