// Internals of the cost detector, shared by cost_detector.cpp (life cycle, loading, the hook)
// and cost_detector_actor.cpp (the actor). Include only from those.
//
//   (cost_window_atom, cost_sample)       -> nothing  a closed cost window from a shard
//   (tick_atom)                           -> nothing  sum up due windows, persist, act
//   (cost_saved_atom, uint64, error)      -> nothing  a state/outbox write finished
//   (cost_step_atom, key, step, error)    -> nothing  a hand-off append finished (writer thread)
//   (shutdown_atom)                       -> unit     after steps in flight and a last write
#pragma once

#include "actors/cost_detector.hpp"
#include "domain/cost_rollup.hpp"
#include "domain/cost_signal.hpp"
#include "persistence/cost_codec.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <vector>

namespace tocsin::actors {

using cost_window_atom = caf::atom_constant<caf::atom("cost_win")>;
using cost_saved_atom = caf::atom_constant<caf::atom("cost_saved")>;
using cost_step_atom = caf::atom_constant<caf::atom("cost_step")>;

/// One closed finer window of the cost metric, as the shard hook sends it.
struct cost_sample {
  std::string tenant;
  std::string artifact_id; // empty: no artifact.id attribute
  domain::timestamp start = 0;
  double value = 0;
};

/// What the public object and the actor share: dependencies and counters.
struct cost_detector::shared {
  persistence::store* store = nullptr;
  const domain::clock* clock = nullptr;
  caf::actor router;
  const policy_registry* policies = nullptr;
  caf::actor feedback;
  persistence::topic_log* governance = nullptr;
  cost_detector_options opts;
  std::atomic<std::uint64_t> windows{0}, late{0}, observed{0}, anomalies{0}, incidents{0},
    feedback_items{0}, handoffs{0}, failures{0}, pending{0}, series{0};
};

enum class cost_step : std::uint8_t { incident, feedback, handoff };

struct cost_series_entry {
  domain::cost_series series;
  domain::cost_detector detector;
  domain::cost_rollup rollup;
  bool dirty = false;   // persist at the next write
  bool touched = false; // new partial sums: persist with the next periodic write
};

/// One outbox entry: an anomaly and how far acting on it got.
struct cost_outbox_entry {
  persistence::pending_cost_anomaly p;
  bool durable = false;       // the record (as of `p`) is in the store
  bool to_write = true;       // `p` changed since it was last written
  bool erasing = false;       // finished; its erase is in flight
  int in_flight = 0;          // steps in flight
  bool feedback_done = false;
  bool handoff_done = false;
  std::chrono::steady_clock::time_point retry_at{}; // after a failed step
  bool finished() const {
    return !p.incident_id.empty() && feedback_done && (handoff_done || !p.anomaly.handoff);
  }
};

struct cost_actor_state {
  std::shared_ptr<cost_detector::shared> sh;
  std::map<domain::cost_series, cost_series_entry> series;
  std::map<std::string, cost_outbox_entry> outbox; // by persistence::cost_pending_key
  // The write in flight: what it covers, to retry or to mark durable when it answers.
  bool writing = false;
  std::uint64_t write_seq = 0;
  std::vector<domain::cost_series> writing_series;
  std::vector<std::string> writing_outbox;
  std::vector<std::string> writing_erase;
  std::chrono::steady_clock::time_point next_sums_write{}; // persist_every
  // Shutdown: wait for steps in flight (bounded), then one last write.
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_deadline{};
  std::vector<caf::response_promise> stop_waiters;
  static const char* name;
};

/// Initial state handed to the actor: what start() loaded.
struct cost_detector_init {
  std::vector<persistence::stored_cost_series> series;
  std::vector<persistence::pending_cost_anomaly> outbox;
};

caf::behavior cost_detector_actor(caf::stateful_actor<cost_actor_state>* self,
                                  std::shared_ptr<cost_detector::shared> sh,
                                  cost_detector_init init);

} // namespace tocsin::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::cost_sample)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::cost_step)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::cost_detector_init)
