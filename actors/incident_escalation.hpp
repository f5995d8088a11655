// How an incident actor applies its tenant's policy: fills escalation steps into commands, and
// decides what a fired deadline means. Pure helpers over domain types, used only by
// incident_actor (kept apart so the actor stays about messaging).
#pragma once

#include "domain/incident.hpp"
#include "domain/policy.hpp"

#include <optional>

namespace tocsin::actors {

/// Adds what the policy decides to a command before decide(): the first step of a critical
/// open (its on-call page) and the step of a manual escalation.
domain::incident_command with_policy_steps(const domain::tenant_policy& p,
                                           const domain::incident_state& s,
                                           domain::incident_command cmd);

/// What a deadline firing at `now` for version `version` asks for.
struct deadline_outcome {
  enum kind_t {
    stale,    // the incident moved on since the deadline was set: ignore it
    escalate, // take `step`: append escalate{timer, step} expecting `version`
    rearm,    // not due under the current policy: a later deadline `at` replaces it
  } kind = stale;
  std::optional<domain::escalate> command;
  domain::timestamp at = 0;
};

/// A fired entry (at, version) is current when the incident is still at `version`, or when `at`
/// is still its deadline (a note re-tags the same entry with a newer version while the old
/// tag is in flight); otherwise it is stale.
deadline_outcome on_deadline(const domain::tenant_policy& p, const domain::incident_state& s,
                             std::uint64_t version, domain::timestamp at, domain::timestamp now);

} // namespace tocsin::actors
