// The cost detector (DESIGN.md §7): reads the closed windows of the cost metric that the
// aggregator shards hand over (aggregation_options::on_closed_window), sums them per tenant and
// per (tenant, artifact.id) into detector windows, runs one domain::cost_detector per series and,
// on CostAnomalyDetected, opens a cost incident through the router, creates one feedback item
// through the feedback actor and, above the tenant's governance threshold, appends a hand-off to
// the "governance" topic. A tenant-total anomaly in a window where one of the tenant's artifacts
// is anomalous too is not reported: the artifact's anomaly names who spent. Owned by tocsind
// (one per process); every public method is thread-safe; sys, store, clock, policies and the
// governance topic must outlive it.
//
// Exactly once across restarts and redeliveries: the series states (detector + roll-up) and each
// new anomaly (an outbox record, persistence/cost_codec.hpp) are written in one transaction
// before anything acts on the anomaly; the anomaly's incident id is deterministic (a ULID derived
// from the anomaly id, in the dedup key's partition) and recorded once known; the feedback item
// and the hand-off are keyed by the anomaly. A restart resumes the outbox: an incident already
// under the anomaly's id is taken as is (else a re-sent open folds into the series' open
// incident), feedback and governance keys are appended at most once. The outbox record goes
// once all three are durable. Series states live in memory (all loaded at start).
#pragma once

#include "actors/policy_registry.hpp"
#include "domain/cost_anomaly.hpp"
#include "domain/error.hpp"
#include "domain/series.hpp"
#include "domain/time.hpp"
#include "domain/window.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

namespace tocsin::actors {

struct cost_detector_options {
  std::string metric = "llm.cost";
  domain::duration window = 60 * domain::nanos_per_second; // detector window
  domain::cost_detector_config detector;
  /// A detector window is summed up once the clock is this far past its end: the aggregation's
  /// lateness plus time for the shards to close and hand over the last finer window (a few of
  /// their ticks). A finer window arriving later than that is counted late and dropped.
  domain::duration settle = 12 * domain::nanos_per_second;
  std::chrono::milliseconds tick{200};
  /// Partial sums of open detector windows are persisted at most this often (a crash loses at
  /// most this much of them); closed windows and anomalies are persisted at the next tick.
  std::chrono::milliseconds persist_every{5000};
  /// A failed step (router, feedback actor, store) is tried again after this long.
  std::chrono::milliseconds retry_after{1000};
  std::chrono::milliseconds request_timeout{10'000};
};

/// Counters since start (pending and series: current).
struct cost_detector_stats {
  std::uint64_t windows = 0;          // closed cost windows received from the shards
  std::uint64_t late = 0;             // of those, for a detector window already summed up
  std::uint64_t observed = 0;         // detector windows fed to the detectors
  std::uint64_t anomalies = 0;        // CostAnomalyDetected
  std::uint64_t incidents = 0;        // cost incidents opened or folded into
  std::uint64_t feedback = 0;         // feedback items made durable
  std::uint64_t handoffs = 0;         // governance hand-offs made durable
  std::uint64_t failures = 0;         // steps that failed and will be retried
  std::uint64_t pending = 0;          // anomalies not fully acted on yet
  std::uint64_t series = 0;           // cost series tracked
};

class cost_detector {
public:
  /// `feedback` is feedback_service::actor(); `router` the engine's.
  cost_detector(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
                caf::actor router, const policy_registry& policies, caf::actor feedback,
                persistence::topic_log& governance, cost_detector_options opts = {});
  ~cost_detector(); // calls stop()
  cost_detector(const cost_detector&) = delete;
  cost_detector& operator=(const cost_detector&) = delete;

  /// Loads the stored series and outbox and spawns the actor (which resumes the outbox).
  /// Store read errors and undecodable records leave it stopped. A second call is a no-op.
  domain::error start();
  /// Lets steps in flight finish (a few seconds at most), persists the series states and stops
  /// the actor; what is left in the outbox is resumed by the next start. Idempotent. Call it
  /// after the aggregation stopped and before the engine does.
  void stop();

  /// For aggregation_options::closed_window_metrics.
  std::set<std::string> metrics() const { return {opts_.metric}; }
  /// For aggregation_options::on_closed_window (after start()): sends the window to the actor;
  /// never blocks; windows handed over after stop() are dropped.
  std::function<void(const domain::series_key&, const domain::closed_window&)> hook() const;

  cost_detector_stats stats() const;

  struct shared;

private:
  caf::actor_system& sys_;
  persistence::store& store_;
  cost_detector_options opts_;
  std::shared_ptr<shared> shared_;
  caf::actor actor_;
};

} // namespace tocsin::actors
