// State shared by the LMDB store's reader side (lmdb_store) and its writer thread (journal_writer):
// the environment, DB handles, published partition ends, the pending index and counters.
// Everything here is either immutable after open, atomic, or guarded by its own lock.
#pragma once

#include "persistence/catalog.hpp"
#include "persistence/lmdb_env.hpp"
#include "persistence/pending_index.hpp"
#include "persistence/store.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace tocsin::persistence {

struct databases {
  MDB_dbi journal = 0;      // (partition u16, offset u64) → Envelope
  MDB_dbi agg_index = 0;    // (aggregate id 16 bytes, sequence u64) → offset u64
  MDB_dbi snapshots = 0;    // aggregate id 16 bytes → IncidentSnapshot
  MDB_dbi dedup = 0;        // dedup_key::encode() → incident id text
  MDB_dbi meta = 0;         // "partitions", "wm/<p>" (index watermark per partition)
  MDB_dbi deadlines = 0;    // deadline_key(at, id) → incident version u64 (DESIGN.md §6)
  MDB_dbi cursors = 0;      // "<consumer>/<partition>" → offset
  MDB_dbi dead_letters = 0; // "<kind>/<id>" → dead letter record
  MDB_dbi notifications = 0; // the notifier's stream: notification id → record
  MDB_dbi windows = 0;      // closed aggregation windows (kv_db::windows)
  MDB_dbi topics = 0;       // topic logs and their key index (persistence/topic_log.hpp)
  MDB_dbi definitions = 0;  // "<kind>/<name>" → definition (policies, later SLOs)
  MDB_dbi catalog = 0;      // tenant \0 id(16) → IncidentSummary (trails the journal)
  MDB_dbi traces = 0;       // trace id \0 id(16) → tenant (trails the journal)

  MDB_dbi of(kv_db db) const {
    switch (db) {
    case kv_db::cursors: return cursors;
    case kv_db::notifications: return notifications;
    case kv_db::dead_letters: return dead_letters;
    case kv_db::definitions: return definitions;
    case kv_db::deadlines: return deadlines;
    case kv_db::windows: return windows;
    case kv_db::topics: return topics;
    }
    return definitions;
  }
};

struct store_counters {
  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> appends{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> refused_full{0};
  std::atomic<std::uint64_t> conflicts{0};
  std::atomic<std::uint64_t> index_flushes{0};
  // Commit latency histogram (store_stats::commit_latency); written by the writer thread only.
  std::array<std::atomic<std::uint64_t>, commit_latency_buckets> commit_latency{};
  std::atomic<std::uint64_t> commit_latency_sum_ns{0};

  void record_commit(std::chrono::nanoseconds took) {
    const auto us = static_cast<std::uint64_t>(took.count() / 1000);
    std::size_t b = 0;
    while (b < std::size(commit_latency_bounds_us) && us > commit_latency_bounds_us[b])
      ++b;
    commit_latency[b].fetch_add(1, std::memory_order_relaxed);
    commit_latency_sum_ns.fetch_add(static_cast<std::uint64_t>(took.count()),
                                    std::memory_order_relaxed);
  }
};

struct store_core {
  explicit store_core(const store_options& o)
      : options(o), partition_end(new std::atomic<std::uint64_t>[o.partitions]) {
    for (std::uint32_t p = 0; p < o.partitions; ++p)
      partition_end[p].store(0, std::memory_order_relaxed);
  }

  const store_options options;
  lmdb::env env;
  databases dbs;
  /// Next offset per partition as of the last commit; the writer publishes it after commit.
  std::unique_ptr<std::atomic<std::uint64_t>[]> partition_end;
  pending_index pending;
  pending_catalog catalog; // catalog rows pending with the index entries of the same commits
  store_counters counters;

  /// Wakes wait_for_commit() callers after each append commit (counters.commits moved) and at
  /// close (closing set). The mutex only orders the wake-up against the waiters' predicate.
  std::mutex commit_mu;
  std::condition_variable commit_cv;
  bool closing = false; // guarded by commit_mu

  void notify_commit() {
    { std::lock_guard<std::mutex> guard(commit_mu); }
    commit_cv.notify_all();
  }
};

} // namespace tocsin::persistence
