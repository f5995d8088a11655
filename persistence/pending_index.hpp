// Aggregate-index entries whose journal records are committed but not yet written to agg_index
// (the index trails the journal behind a watermark; see writer.hpp). Mutated only by the writer
// thread, under the mutex; read from any thread through copy()/size().
#pragma once

#include "persistence/keys.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tocsin::persistence {

struct index_entry {
  std::uint64_t sequence = 0;
  std::uint64_t offset = 0;
};

/// One entry as produced by a commit or collected for a flush.
struct keyed_index_entry {
  keys::aggregate_key id;
  std::uint64_t sequence = 0;
  std::uint64_t offset = 0;
};

class pending_index {
public:
  // -- writer thread only ------------------------------------------------------------------------
  /// Adds the entries of a committed transaction (each aggregate's in sequence order).
  void add(const std::vector<keyed_index_entry>& entries);
  /// Sequence of the newest pending entry of `id`. Reads without the lock: only the writer
  /// mutates, so the writer's own reads cannot race.
  std::optional<std::uint64_t> last_sequence(const keys::aggregate_key& id) const;
  /// Every entry, sorted by (id, sequence): the order LMDB writes fastest.
  void collect_sorted(std::vector<keyed_index_entry>& out) const;
  /// Called only after the transaction holding the flushed entries has committed.
  void clear();

  // -- any thread ----------------------------------------------------------------------------
  /// Entries of `id` with sequence >= from_sequence, in sequence order.
  std::vector<index_entry> copy(const keys::aggregate_key& id, std::uint64_t from_sequence) const;
  /// Sequence of the newest pending entry of `id`, taken under the lock.
  std::optional<std::uint64_t> newest(const keys::aggregate_key& id) const;
  std::size_t size() const { return count_.load(std::memory_order_relaxed); }
  /// Aggregates with pending entries (start-up rebuilds their catalog rows from them).
  std::vector<keys::aggregate_key> ids() const;

private:
  struct key_hash {
    std::size_t operator()(const keys::aggregate_key& k) const {
      std::uint64_t v; // bytes 8..15 are random: a ready-made hash
      std::memcpy(&v, k.data() + 8, sizeof v);
      return static_cast<std::size_t>(v);
    }
  };

  mutable std::mutex mu_;
  std::unordered_map<keys::aggregate_key, std::vector<index_entry>, key_hash> map_;
  std::atomic<std::size_t> count_{0};
};

} // namespace tocsin::persistence
