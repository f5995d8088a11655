// The published view of every tenant's escalation policy: policy actors put new versions here
// once they are durable; incident actors and the notifier read the current one without a
// round-trip. Thread-safe; owned by the engine (or a test) and outlives its readers.
#pragma once

#include "domain/policy.hpp"

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

namespace tocsin::actors {

class policy_registry {
public:
  /// The tenant's policy, or domain::default_policy(tenant) when none was applied.
  std::shared_ptr<const domain::tenant_policy> get(const std::string& tenant) const;
  /// Publishes `p` for p.tenant (callers validate and persist first).
  void put(domain::tenant_policy p);
  /// Whether a policy was applied for `tenant` (the default one does not count).
  bool has(const std::string& tenant) const;
  /// Every published policy (for listing and tests).
  std::map<std::string, std::shared_ptr<const domain::tenant_policy>> all() const;

private:
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const domain::tenant_policy>> by_tenant_;
  mutable std::map<std::string, std::shared_ptr<const domain::tenant_policy>> defaults_;
};

} // namespace tocsin::actors
