// Message vocabulary of the incident actors: atoms, reply types and the domain-error <-> caf::error
// bridge. Included by actors/, api/ and tests that talk to the router. Messages that may cross
// nodes will be protobuf-encoded (DESIGN.md §2); these local types are registered as unsafe
// (local-only) message types in add_message_types().
#pragma once

#include "domain/envelope.hpp"
#include "domain/error.hpp"
#include "domain/incident.hpp"
#include "domain/policy.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::actors {

// Router interface (all replies are sent to the original requester):
//   (open_atom, domain::open_incident)                 -> command_reply
//       id empty: the router assigns one; source_id set: the dedup rule applies.
//   (command_atom, id, domain::incident_command, uint64 expected_version /*0 = any*/)
//                                                      -> command_reply
//   (get_atom, id)                                     -> incident_view
//   (stats_atom)                                       -> router_stats
//   (deadline_atom, id, uint64 version, timestamp at)  -> command_reply (wake-up service)
using open_atom = caf::atom_constant<caf::atom("open")>;
using command_atom = caf::atom_constant<caf::atom("command")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
// Internal to actors/ (router <-> incident actors, journal callbacks, idle timers).
using appended_atom = caf::atom_constant<caf::atom("appended")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using resolved_atom = caf::atom_constant<caf::atom("resolved")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
// Deadlines: (deadline_atom, id, version, at) from the wake-up service through the router,
// answered with a command_reply once handled; timer_atom is the incident actor's own timer.
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using timer_atom = caf::atom_constant<caf::atom("timer")>;
using rearmed_atom = caf::atom_constant<caf::atom("rearmed")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using erased_atom = caf::atom_constant<caf::atom("erased")>;
// Policies (policy manager / policy actors):
//   (policy_apply_atom, domain::tenant_policy, std::string source) -> unit once durable+published
//   (policy_get_atom, std::string tenant)                          -> domain::tenant_policy
using policy_apply_atom = caf::atom_constant<caf::atom("pol_apply")>;
using policy_get_atom = caf::atom_constant<caf::atom("pol_get")>;
using policy_written_atom = caf::atom_constant<caf::atom("pol_done")>;

struct command_reply {
  domain::incident_state state;          // after the command
  std::vector<domain::envelope> events;  // what the command appended (durable)
  bool deduplicated = false;             // an open folded into an existing incident
};

struct incident_view {
  domain::incident_state state;
  std::vector<domain::envelope> history; // every event, in sequence order
};

struct router_stats {
  std::uint64_t active_actors = 0;
  std::uint64_t activations = 0;
  std::uint64_t passivations = 0;
  std::uint64_t dedup_cache = 0;
};

/// Category atom of Tocsin's caf::errors; code = domain::errc, context = the message.
constexpr caf::atom_value error_category = caf::atom("tocsin");
caf::error to_caf_error(const domain::error& err);
/// Inverse of to_caf_error; other CAF errors (timeouts, dead actors) map to unavailable.
domain::error from_caf_error(const caf::error& err);

/// Registers every message type above (and the domain types they carry) with CAF.
void add_message_types(caf::actor_system_config& cfg);

} // namespace tocsin::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::open_incident)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::incident_command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::command_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::incident_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::router_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::tenant_policy)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::error)
