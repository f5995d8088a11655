#include "api/tenant_cache.hpp"

namespace tocsin::api {

std::optional<std::string> tenant_cache::find(const std::string& id) const {
  std::lock_guard<std::mutex> lock{mu_};
  auto it = map_.find(id);
  if (it == map_.end())
    return std::nullopt;
  return it->second;
}

void tenant_cache::put(const std::string& id, const std::string& tenant) {
  std::lock_guard<std::mutex> lock{mu_};
  // Crude but bounded: a miss costs one Get round trip, never a wrong answer.
  if (map_.size() >= capacity_)
    map_.clear();
  map_.emplace(id, tenant);
}

} // namespace tocsin::api
