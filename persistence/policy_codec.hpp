// Byte encoding of tenant escalation policies as stored in the definitions DB (protobuf,
// proto/tocsin/v1/definitions.proto) behind domain types. Pure; thread-safe.
#pragma once

#include "domain/policy.hpp"

#include <string>
#include <string_view>

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

std::string encode_policy(const stored_policy& p);
domain::error decode_policy(std::string_view bytes, stored_policy& out);

} // namespace tocsin::persistence
