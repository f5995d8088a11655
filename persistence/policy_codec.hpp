// Byte encoding of tenant escalation policies as stored in the definitions DB (protobuf,
// proto/tocsin/v1/definitions.proto) behind domain types. Pure; thread-safe.
#pragma once

#include "domain/policy.hpp"

#include <string>
#include <string_view>

namespace tocsin::v1 {
class TenantPolicy;
} // namespace tocsin::v1

namespace tocsin::persistence {

struct stored_policy {
  domain::tenant_policy policy;
  std::string source;             // "config" or "api"
  domain::timestamp applied_at = 0;
};

/// Key of a tenant's policy in kv_db::definitions, and the prefix of all of them.
std::string policy_key(const std::string& tenant);
inline constexpr std::string_view policy_prefix = "policy/";
/// Key of the policy a config file gave the tenant at the last start (to notice file changes).
std::string config_policy_key(const std::string& tenant);

/// domain <-> wire form (also the operator API's). policy_from_pb is false on an enum value
/// outside the domain's range; it does not validate (domain::validate does).
void policy_to_pb(const domain::tenant_policy& p, v1::TenantPolicy& m);
bool policy_from_pb(const v1::TenantPolicy& m, domain::tenant_policy& p);

std::string encode_policy(const stored_policy& p);
domain::error decode_policy(std::string_view bytes, stored_policy& out);

} // namespace tocsin::persistence
