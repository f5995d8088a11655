// One slo_actor per SLO: watches the series of its ratio on their aggregator shards, evaluates
// the SLO as data arrives (coalesced to one evaluation per min_interval) and every
// evaluate_every, runs the breach tracker and turns its edges into incident-router commands
// (open on a breach or repeat, a note on recovery). Spawned and addressed by the slo_manager;
// protocol in actors/slo_messages.hpp.
#pragma once

#include "actors/slo_messages.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::actors {

/// The aggregator shard owning a series (aggregation::shard_for); must stay callable while
/// any slo_actor lives.
using shard_locator = std::function<caf::actor(const domain::series_key&)>;

struct slo_actor_config {
  persistence::store* store = nullptr;
  const domain::clock* clock = nullptr;
  caf::actor router;
  shard_locator shard_for;
  std::chrono::milliseconds min_interval{10};
  std::chrono::milliseconds evaluate_every{1000};
  domain::duration renotify = 300 * domain::nanos_per_second;
  std::chrono::milliseconds query_timeout{5000};
  std::shared_ptr<slo_counters> counters;
};

struct slo_actor_state {
  slo_actor_config cfg;
  persistence::stored_slo slo;
  domain::breach_tracker tracker{0};
  std::string incident_id;
  std::vector<domain::series_key> watched;
  std::uint64_t generation = 0;     // bumped by a new definition: older evaluations are dropped
  bool in_flight = false;           // an evaluation waits for shard replies
  bool dirty = false;               // data arrived meanwhile: evaluate again when it is done
  bool timer_armed = false;         // a coalesced evaluation is scheduled
  std::chrono::steady_clock::time_point last_started{};
  std::vector<caf::response_promise> status_waiters;
  std::optional<domain::slo_status> last;
  static const char* name;
};

caf::behavior slo_actor(caf::stateful_actor<slo_actor_state>* self, persistence::stored_slo slo,
                        persistence::stored_slo_state initial, slo_actor_config cfg);

/// Incident title of a breach: names the SLO and the firing conditions. Pure.
std::string breach_title(const domain::slo_definition& d, const domain::breach_signal& s);

} // namespace tocsin::actors
