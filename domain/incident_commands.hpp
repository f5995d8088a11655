// Commands accepted by the incident aggregate (see DESIGN.md §4). Pure value types; `by` names
// the operator or component that issued the command, for the audit timeline.
#pragma once

#include "domain/incident_types.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tocsin::domain {

struct open_incident {
  std::string id; // ULID text; its partition must match the dedup key's for signal sources
  std::string tenant;
  std::string title;
  severity sev = severity::warning;
  incident_source source = incident_source::manual;
  std::string source_id;
  category cat = category::reliability;
  attribution attr;
  std::vector<exemplar> exemplars;
  std::string by;
  /// The step recorded with the severity escalation of a critical open (role and channels from
  /// the tenant policy); when absent a critical open escalates without recording a step.
  std::optional<escalation_step> severity_step;
};
struct acknowledge { std::string by; };
struct begin_investigation { std::string by; };
struct apply_mitigation { std::string mitigation; std::string by; };
/// Manual, timer or severity escalation. In Escalated it records one more step instead.
struct escalate {
  escalation_reason reason = escalation_reason::manual;
  std::optional<escalation_step> step;
  std::string by;
};
struct engage_on_call { std::string by; };
struct resolve { std::string root_cause; std::string by; };
struct add_note { std::string text; std::string by; };
/// The same (tenant, source, source_id) fired again while this incident is not Resolved.
struct repeat_signal { std::vector<exemplar> exemplars; };

using incident_command = std::variant<open_incident, acknowledge, begin_investigation,
                                      apply_mitigation, escalate, engage_on_call, resolve,
                                      add_note, repeat_signal>;

/// Verb used in messages and the CLI: "open", "acknowledge", "investigate", "mitigate",
/// "escalate", "engage", "resolve", "note", "repeat".
std::string_view command_name(const incident_command& cmd);

} // namespace tocsin::domain
