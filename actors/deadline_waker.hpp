// The wake-up service: reads the LMDB deadline index in time order and sends every due deadline
// to its incident through the router, which re-activates a passivated incident. Covers deadlines
// that pass while an incident is passivated or the engine was down (overdue ones fire at once on
// recovery, at most max_in_flight at a time). An entry is erased only after its incident answered,
// so a crash in between fires it again and the incident's version check makes that harmless.
// Spawned by the engine; one per node.
#pragma once

#include "actors/messages.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <set>
#include <string>

namespace tocsin::actors {

struct waker_config {
  persistence::store* store = nullptr;
  const domain::clock* clock = nullptr;
  caf::actor router;
  std::chrono::milliseconds tick{10};
  std::size_t max_in_flight = 1024;
};

struct deadline_waker_state {
  waker_config cfg;
  std::set<std::string> in_flight; // deadline keys sent and not yet erased
  std::uint64_t fired = 0;
  static const char* name;
};

caf::behavior deadline_waker(caf::stateful_actor<deadline_waker_state>* self, waker_config cfg);

} // namespace tocsin::actors
