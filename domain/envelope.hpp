// The canonical event envelope: every journaled event travels in one. Pure value type; the
// encoding (proto/tocsin/v1/events.proto) lives in persistence/.
#pragma once

#include "domain/incident.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::domain {

struct envelope {
  std::string event_id;     // deterministic: "<aggregate_id>/<sequence>"
  std::string type;         // event_type(payload), e.g. "IncidentOpened"
  std::string tenant;
  std::uint32_t partition = 0;
  std::string aggregate_id;
  std::uint64_t sequence = 0; // 1-based per aggregate
  std::string trace_id;
  std::string source;       // to_string(incident_source)
  std::string source_id;
  timestamp occurred_at = 0;
  incident_event payload;

  friend bool operator==(const envelope& a, const envelope& b);
};

/// Wraps events decided for `s` (state before the events) into envelopes with sequences
/// s.version+1, s.version+2, ... For an open, identity comes from the incident_opened event.
std::vector<envelope> make_envelopes(const incident_state& s, std::uint32_t partition,
                                     const std::vector<incident_event>& events);

} // namespace tocsin::domain
