// One aggregator shard: owns the series whose hash maps to it (a domain::series_table), folds the
// keyed observations the aggregation front end sends, answers the slo actors' protocol
// (actors/aggregation_messages.hpp), and on every tick advances watermarks with the clock and
// persists closed windows to LMDB (actors/series_persistence.hpp) without blocking: one write in
// flight at a time, failed writes retried in order. Spawned and stopped by actors::aggregation.
//
//   (fold_atom, shard_batch)  -> nothing   keyed observations of one request (this shard's part)
//   (shutdown_atom)           -> unit      after a last tick whose write is durable
#pragma once

#include "actors/aggregation_messages.hpp"
#include "actors/series_persistence.hpp"
#include "domain/series_table.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tocsin::actors {

using fold_atom = caf::atom_constant<caf::atom("agg_fold")>;
using persisted_atom = caf::atom_constant<caf::atom("agg_saved")>;

/// Counters shared by the front end (ingest threads) and the shards; aggregation::stats reads.
struct aggregation_counters {
  std::atomic<std::uint64_t> spans{0}, points{0}, records{0}, rejected{0}, late{0},
    windows_closed{0}, windows_persisted{0}, series{0}, queued{0}, overloaded{0}, signals{0},
    persist_failures{0};
};

/// One request's observations for one shard; `count` items to take off the queued counter.
struct shard_batch {
  std::vector<domain::keyed_observations> items;
  std::uint64_t count = 0;
};

struct shard_config {
  persistence::store* store = nullptr;
  const domain::clock* clock = nullptr;
  domain::window_config windows;
  std::chrono::milliseconds tick{100};
  std::shared_ptr<aggregation_counters> counters;
  /// This shard also sweeps retention over series no shard loaded (one shard does it).
  bool sweeps = false;
  /// aggregation_options::closed_window_metrics / on_closed_window.
  std::set<std::string> closed_window_metrics;
  std::function<void(const domain::series_key&, const domain::closed_window&)> on_closed_window;
};

struct aggregation_shard_state {
  struct watch {
    domain::series_key key;
    std::vector<caf::actor> watchers;
  };

  shard_config cfg;
  std::unique_ptr<lmdb_series_source> source;
  std::unique_ptr<domain::series_table> table;
  std::unordered_map<std::uint64_t, std::vector<watch>> watches; // by series hash
  // Persistence: ops waiting for the next write, and the write in flight (kept for a retry).
  std::vector<persistence::kv_op> pending;
  std::uint64_t pending_windows = 0;
  std::vector<persistence::kv_op> in_flight;
  std::uint64_t in_flight_windows = 0;
  bool writing = false;
  std::uint64_t closed_reported = 0; // table windows_closed already added to the counters
  retention_sweeper sweeper;
  domain::timestamp next_sweep = 0;
  bool stopping = false;
  std::vector<caf::response_promise> stop_waiters;
  static const char* name;
};

caf::behavior aggregation_shard(caf::stateful_actor<aggregation_shard_state>* self,
                                shard_config cfg);

} // namespace tocsin::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::shard_batch)
