// Policy registry: see policy_registry.hpp.
#include "actors/policy_registry.hpp"

#include <mutex>

namespace tocsin::actors {

std::shared_ptr<const domain::tenant_policy>
policy_registry::get(const std::string& tenant) const {
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    if (auto it = by_tenant_.find(tenant); it != by_tenant_.end())
      return it->second;
    if (auto it = defaults_.find(tenant); it != defaults_.end())
      return it->second;
  }
  // Kept apart from applied policies (all() lists those only); built once per tenant because
  // incident actors ask on every append.
  auto made = std::make_shared<const domain::tenant_policy>(domain::default_policy(tenant));
  std::unique_lock<std::shared_mutex> lock(mu_);
  return defaults_.emplace(tenant, std::move(made)).first->second;
}

void policy_registry::put(domain::tenant_policy p) {
  auto shared = std::make_shared<const domain::tenant_policy>(std::move(p));
  std::unique_lock<std::shared_mutex> lock(mu_);
  by_tenant_[shared->tenant] = std::move(shared);
}

bool policy_registry::has(const std::string& tenant) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return by_tenant_.count(tenant) > 0;
}

std::map<std::string, std::shared_ptr<const domain::tenant_policy>> policy_registry::all() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return by_tenant_;
}

} // namespace tocsin::actors
