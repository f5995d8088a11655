// Events of the incident aggregate; each carries the time it happened (`at`). Pure value types.
// The journal stores them inside an envelope (domain/envelope.hpp); persistence/ encodes them.
#pragma once

#include "domain/incident_types.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tocsin::domain {

struct incident_opened {
  std::string id;
  std::string tenant;
  std::string title;
  severity sev = severity::warning;
  incident_source source = incident_source::manual;
  std::string source_id;
  category cat = category::reliability;
  attribution attr;
  std::vector<exemplar> exemplars;
  std::string by;
  timestamp at = 0;
};
struct incident_acknowledged { std::string by; timestamp at = 0; };
struct investigation_started { std::string by; timestamp at = 0; };
struct mitigation_applied { std::string mitigation; std::string by; timestamp at = 0; };
struct incident_escalated {
  escalation_reason reason = escalation_reason::manual;
  std::string by;
  timestamp at = 0;
};
struct escalation_step_taken { escalation_step step; timestamp at = 0; };
struct on_call_engaged { std::string by; timestamp at = 0; };
struct incident_resolved { std::string root_cause; std::string by; timestamp at = 0; };
struct note_added { std::string text; std::string by; timestamp at = 0; };
struct signal_repeated {
  std::uint32_t occurrences = 0; // count after this repeat (the opening signal counts as 1)
  std::vector<exemplar> exemplars;
  timestamp at = 0;
};

using incident_event = std::variant<incident_opened, incident_acknowledged, investigation_started,
                                    mitigation_applied, incident_escalated, escalation_step_taken,
                                    on_call_engaged, incident_resolved, note_added,
                                    signal_repeated>;

/// Canonical event type names as in DESIGN.md §4: "IncidentOpened", "SignalRepeated", ...
std::string_view event_type(const incident_event& ev);
timestamp event_time(const incident_event& ev);

bool operator==(const incident_event& a, const incident_event& b);
inline bool operator!=(const incident_event& a, const incident_event& b) { return !(a == b); }

} // namespace tocsin::domain
