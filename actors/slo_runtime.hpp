// SLO evaluation as tocsind and tests run it: loads stored SLOs and their breach states, spawns
// the slo_manager, applies config-file SLOs, offers blocking helpers and counters for /metrics.
// Owned by tocsind (one per process) or a test: construct after the engine and the aggregation,
// stop() before either of them. Not thread-safe itself, except stats() and manager().
#pragma once

#include "actors/slo_actor.hpp"
#include "actors/slo_messages.hpp"
#include "domain/error.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::actors {

class aggregation;

struct slo_options {
  /// Evaluation as data arrives is coalesced to at most one per interval per SLO.
  std::chrono::milliseconds min_interval{10};
  /// Every SLO is also evaluated this often, so staleness and recovery show without data.
  std::chrono::milliseconds evaluate_every{1000};
  /// While a breach lasts, at most one SignalRepeated per interval.
  std::chrono::milliseconds renotify{300'000};
};

/// Snapshot of the counters of every SLO (see slo_counters).
struct slo_stats {
  std::uint64_t evaluations = 0;
  std::uint64_t stale_evaluations = 0;
  std::uint64_t breaches = 0;
  std::uint64_t repeats = 0;
  std::uint64_t recoveries = 0;
  std::uint64_t signal_failures = 0;
  std::uint64_t query_failures = 0;
  std::uint64_t active = 0;
};

class slo_runtime {
public:
  /// `st`, `clk` and `agg` must outlive the runtime; `router` is engine::router().
  slo_runtime(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
              caf::actor router, aggregation& agg, slo_options opts = {});
  /// The same over any shard locator (what the aggregation-based constructor uses).
  slo_runtime(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
              caf::actor router, shard_locator shards, slo_options opts = {});
  ~slo_runtime();
  slo_runtime(const slo_runtime&) = delete;
  slo_runtime& operator=(const slo_runtime&) = delete;

  /// Set when stored SLOs could not be loaded (tocsind then refuses to start).
  const domain::error& init_error() const { return init_error_; }
  /// The manager actor (protocol in slo_messages.hpp), for the operator API.
  const caf::actor& manager() const { return manager_; }

  /// Applies each config-file SLO that is new or whose definition changed since the last
  /// start (source "config"), so an SLO applied through the API keeps winning over an
  /// unchanged file, and a deleted one stays deleted.
  domain::error apply_config(const std::vector<domain::slo_definition>& from_config);

  // Blocking helpers (scoped_actor request/receive); never call them from inside an actor.
  domain::result<std::vector<persistence::stored_slo>>
  apply(std::vector<domain::slo_definition> defs, const std::string& source = "api",
        const std::string& yaml = {});
  domain::result<persistence::stored_slo> get(const std::string& tenant, const std::string& id);
  domain::result<std::vector<persistence::stored_slo>> list(const std::string& tenant);
  domain::error remove(const std::string& tenant, const std::string& id);
  domain::result<slo_status_view> status(const std::string& tenant, const std::string& id);

  slo_stats stats() const;

  /// Stops every slo_actor and the manager. Idempotent; the destructor calls it.
  void stop();

private:
  caf::actor_system& sys_;
  persistence::store& store_;
  std::shared_ptr<slo_counters> counters_;
  domain::error init_error_;
  caf::actor manager_;
};

} // namespace tocsin::actors
