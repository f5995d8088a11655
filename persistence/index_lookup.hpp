// Lookups in the agg_index DB (aggregate id + sequence → journal offset) inside a caller's txn.
// Stateless; callable from any thread that owns the cursor's transaction.
#pragma once

#include "persistence/keys.hpp"
#include "persistence/lmdb_env.hpp"
#include "persistence/pending_index.hpp"

#include <cstdint>
#include <vector>

namespace tocsin::persistence {

/// Sequence of the last indexed entry of `id` (0 if none). Returns an LMDB code (0 on success).
int last_indexed_sequence(lmdb::cursor& c, const keys::aggregate_key& id, std::uint64_t& out);

/// Appends the indexed entries of `id` with sequence >= from_sequence, in order.
int indexed_entries(lmdb::cursor& c, const keys::aggregate_key& id, std::uint64_t from_sequence,
                    std::vector<index_entry>& out);

/// Appends to `indexed` the entries of `pending` with sequence >= from that it lacks (both sorted
/// by sequence; they overlap only while an index flush races with the reader).
void merge_pending(std::vector<index_entry>& indexed, const std::vector<index_entry>& pending,
                   std::uint64_t from_sequence);

} // namespace tocsin::persistence
