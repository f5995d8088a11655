// Dedup key encoding and its stable partition hash. FNV-1a is used because its output is fixed by
// definition: the partition of a key must not change across builds, or dedup entries get lost.
#include "domain/dedup.hpp"

#include "domain/stable_hash.hpp"

namespace tocsin::domain {

std::string dedup_key::encode() const {
  std::string out;
  auto src = to_string(source);
  out.reserve(tenant.size() + src.size() + source_id.size() + 2);
  out.append(tenant).push_back('\0');
  out.append(src).push_back('\0');
  out.append(source_id);
  return out;
}

std::uint64_t stable_hash(const dedup_key& k) { return fnv1a64(k.encode()); }

std::uint16_t partition_for(const dedup_key& k, std::uint32_t partitions) {
  if (partitions == 0) return 0; // no partitions configured: everything lives in the first
  return static_cast<std::uint16_t>(stable_hash(k) % partitions);
}

} // namespace tocsin::domain
