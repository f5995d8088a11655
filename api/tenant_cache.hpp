// Incident id -> tenant, learned from Open and Get replies, so that a transition's tenant check
// needs no extra round trip: an incident's tenant never changes. Bounded; thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace tocsin::api {

class tenant_cache {
public:
  explicit tenant_cache(std::size_t capacity = 1 << 20) : capacity_(capacity) {}

  std::optional<std::string> find(const std::string& id) const;
  void put(const std::string& id, const std::string& tenant);

private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> map_;
  std::size_t capacity_;
};

} // namespace tocsin::api
