// Start-up of the LMDB store: opening the named DBs, checking the partition count, and
// recovering the per-partition journal ends and the unindexed journal tail. Called once by
// lmdb_store::open on the opening thread, before the writer starts. Cost: O(partitions + tail).
#pragma once

#include "domain/error.hpp"
#include "persistence/store_core.hpp"

#include <cstdint>
#include <vector>

namespace tocsin::persistence {

/// Opens (creating) every named DB into core.dbs; refuses a partition count other than the one
/// the store was created with (invalid_argument).
domain::error open_databases(store_core& core);

struct recovered_partitions {
  std::vector<std::uint64_t> next_offset; // per partition: last offset + 1 (0 if empty)
  std::vector<std::uint64_t> watermark;   // per partition: index complete below this offset
};

/// Finds each partition's end with one cursor seek and re-reads the journal from the index
/// watermark to the end into core.pending. A record that fails to decode fails the open.
domain::result<recovered_partitions> recover_partitions(store_core& core);

/// "journal record (partition P, offset O)" — the key naming used in corrupt_record messages.
std::string journal_record_name(std::uint32_t partition, std::uint64_t offset);

} // namespace tocsin::persistence
