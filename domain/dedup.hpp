// The incident dedup key (tenant, source, source_id) and the partition it maps to, so that the
// dedup entry and the incident it names live in the same journal partition. Pure.
#pragma once

#include "domain/incident_types.hpp"

#include <cstdint>
#include <string>

namespace tocsin::domain {

struct dedup_key {
  std::string tenant;
  incident_source source = incident_source::signal;
  std::string source_id;

  /// Stable byte encoding used as the LMDB key: tenant \0 source \0 source_id.
  std::string encode() const;
  friend bool operator==(const dedup_key& a, const dedup_key& b) {
    return a.tenant == b.tenant && a.source == b.source && a.source_id == b.source_id;
  }
};

/// FNV-1a 64 of encode(): stable across runs, builds and machines (never std::hash).
std::uint64_t stable_hash(const dedup_key& k);

/// Partition in [0, partitions) for the key.
std::uint16_t partition_for(const dedup_key& k, std::uint32_t partitions);

} // namespace tocsin::domain
