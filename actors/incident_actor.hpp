// One event-based actor per active incident: decide -> append (durable) -> apply -> reply, one
// command at a time. Spawned only by the incident router, which alone knows where it lives.
#pragma once

#include "actors/messages.hpp"
#include "actors/policy_registry.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::persistence::append_result)

namespace tocsin::actors {

// The incident actor's protocol with the router (besides the commands it forwards):
//   router -> actor  (command_atom, id, command, expected_version)  -> command_reply
//   router -> actor  (get_atom, id)                                 -> incident_view
//   actor  -> router (passivate_atom, id, commands_received)  when idle for passivate_after
//   router -> actor  (passivate_atom)                          accepted: nothing is in flight
//   actor  -> router (resolved_atom, dedup key, id)            its dedup entry is gone
//   any    -> actor  (shutdown_atom)                           -> unit once idle, then quits

struct incident_actor_config {
  persistence::store* store = nullptr;
  const domain::clock* clock = nullptr;
  caf::actor router;
  std::chrono::milliseconds passivate_after{60'000};
  const policy_registry* policies = nullptr; // null: no policy (no steps, no deadlines)
};

struct incident_actor_state {
  struct queued {
    domain::incident_command cmd;
    std::uint64_t expected_version = 0;
    caf::response_promise promise;
  };
  struct in_flight {
    domain::incident_state next;          // state once the append is durable
    std::vector<domain::envelope> events;
    caf::response_promise promise;
    std::optional<domain::timestamp> deadline; // of `next`, computed once for the append
  };

  incident_actor_config cfg;
  std::string id;
  std::uint32_t partition = 0;
  domain::incident_state incident;
  // Commands wait here while an append is in flight: one incident's history is never reordered.
  std::vector<queued> queue;
  std::optional<in_flight> pending;
  std::uint64_t received = 0; // commands and gets received, for the passivation handshake
  std::chrono::steady_clock::time_point last_activity;
  std::optional<caf::response_promise> stopping; // shutdown requested while busy
  std::vector<caf::response_promise> rearm_waiters; // deadline re-arms awaiting their write
  domain::timestamp armed_at = 0; // deadline the actor's own timer is set for; 0 = none

  static const char* name;
};

caf::behavior incident_actor(caf::stateful_actor<incident_actor_state>* self, std::string id,
                             std::uint32_t partition, incident_actor_config cfg);

} // namespace tocsin::actors
