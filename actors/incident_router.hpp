// The incident router: the only place that knows where an incident's actor lives. Activates
// incident actors on demand, passivates idle ones, assigns ids and applies the dedup rule
// (a repeated (tenant, source, source_id) folds into the open incident). Spawned by engine.
#pragma once

#include "actors/incident_actor.hpp"
#include "actors/messages.hpp"
#include "domain/ulid.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <string>
#include <unordered_map>

namespace tocsin::actors {

struct router_config {
  persistence::store* store = nullptr;
  const domain::clock* clock = nullptr;
  std::chrono::milliseconds passivate_after{60'000};
  std::uint64_t id_seed = 1;
  const policy_registry* policies = nullptr;
};

struct incident_router_state {
  struct entry {
    caf::actor actor;
    std::uint64_t forwarded = 0; // messages sent to it, matched against its count to passivate
  };
  router_config cfg;
  std::unique_ptr<domain::splitmix64> rnd;
  std::unordered_map<std::string, entry> actors;
  // Open incidents by encoded dedup key; a cache over the store's dedup index that also covers
  // opens still in flight, so concurrent identical signals find the same incident.
  std::unordered_map<std::string, std::string> dedup;
  router_stats stats;
  bool stopping = false;

  static const char* name;
};

caf::behavior incident_router(caf::stateful_actor<incident_router_state>* self, router_config cfg);

} // namespace tocsin::actors
