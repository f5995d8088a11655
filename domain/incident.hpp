// The incident aggregate: state, decide (validates a command, yields events) and apply (folds an
// event into state, never fails). Pure and single-threaded; the incident_actor is its only
// runtime owner, tests call it directly. Transition table and invariants: DESIGN.md §4.
#pragma once

#include "domain/error.hpp"
#include "domain/incident_commands.hpp"
#include "domain/incident_events.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::domain {

struct note {
  std::string text;
  std::string by;
  timestamp at = 0;
  friend bool operator==(const note& a, const note& b) {
    return a.text == b.text && a.by == b.by && a.at == b.at;
  }
};

struct escalation_record {
  escalation_reason reason = escalation_reason::manual; // reason of the escalation it belongs to
  escalation_step step;
  timestamp at = 0;
  friend bool operator==(const escalation_record& a, const escalation_record& b) {
    return a.reason == b.reason && a.step == b.step && a.at == b.at;
  }
};

struct incident_state {
  std::string id;
  std::string tenant;
  std::string title;
  severity sev = severity::warning;
  incident_source source = incident_source::manual;
  std::string source_id;
  category cat = category::reliability;
  attribution attr;
  std::vector<exemplar> exemplars;
  incident_status status = incident_status::open;
  /// Last time the incident entered each state, indexed by incident_status; 0 = never.
  std::array<timestamp, status_count> entered_at{};
  std::string root_cause;
  std::string mitigation;
  /// Reason of the latest escalation (meaningful once entered_at[escalated] != 0).
  escalation_reason last_escalation = escalation_reason::manual;
  std::vector<escalation_record> escalations; // every step taken, for audit
  std::vector<note> notes;
  std::uint32_t occurrences = 0; // signals folded into this incident, the opening one included
  timestamp last_seen = 0;
  timestamp updated_at = 0;
  /// Sequence number of the last applied event; 0 = the incident does not exist.
  std::uint64_t version = 0;

  bool exists() const { return version != 0; }
  friend bool operator==(const incident_state& a, const incident_state& b);
  friend bool operator!=(const incident_state& a, const incident_state& b) { return !(a == b); }
};

/// Validates `cmd` against `s` at time `now`. On success: one or more events, to be made
/// durable and then folded with apply. On refusal: a specific errc and a message naming the
/// incident, its current state and the allowed moves; nothing is to be written.
result<std::vector<incident_event>> decide(const incident_state& s, const incident_command& cmd,
                                           timestamp now);

/// Folds one event into the state and bumps the version. Never fails; no side effects.
incident_state apply(incident_state s, const incident_event& ev);

// Non-const events would otherwise bind to std::apply: incident_event is a std::variant, so an
// unqualified apply(s, ev) finds std::apply by ADL and that template is the better match.
inline incident_state apply(incident_state s, incident_event& ev) {
  return domain::apply(std::move(s), static_cast<const incident_event&>(ev));
}
inline incident_state apply(incident_state s, incident_event&& ev) {
  return domain::apply(std::move(s), static_cast<const incident_event&>(ev));
}

/// Verbs allowed in `s` (see command_name), e.g. {"mitigate", "escalate", "resolve", "note",
/// "repeat"} for Investigating. For a non-existent incident: {"open"}.
std::vector<std::string_view> allowed_moves(const incident_state& s);

/// True while the incident is neither Resolved nor absent (repeats fold into it).
inline bool is_active(const incident_state& s) {
  return s.exists() && s.status != incident_status::resolved;
}

} // namespace tocsin::domain
