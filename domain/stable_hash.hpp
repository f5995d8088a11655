// FNV-1a 64: the one hash whose output is fixed by definition, for anything persisted or shared
// between nodes (partitions, shards, deterministic ids). Never std::hash. Pure; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace tocsin::domain {

inline std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

} // namespace tocsin::domain
