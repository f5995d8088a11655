// Envelopes for decided events. Identity (tenant, source, trace) comes from the state, or from
// the opening event when the events create the incident.
#include "domain/envelope.hpp"

namespace tocsin::domain {
namespace {

struct identity {
  std::string id;
  std::string tenant;
  incident_source source = incident_source::manual;
  std::string source_id;
  std::string trace_id;
};

identity identity_of(const incident_state& s, const std::vector<incident_event>& events) {
  if (!s.exists()) {
    for (const auto& ev : events)
      if (const auto* o = std::get_if<incident_opened>(&ev))
        return {o->id, o->tenant, o->source, o->source_id, o->attr.trace_id};
  }
  return {s.id, s.tenant, s.source, s.source_id, s.attr.trace_id};
}

} // namespace

bool operator==(const envelope& a, const envelope& b) {
  return a.event_id == b.event_id && a.type == b.type && a.tenant == b.tenant
         && a.partition == b.partition && a.aggregate_id == b.aggregate_id
         && a.sequence == b.sequence && a.trace_id == b.trace_id && a.source == b.source
         && a.source_id == b.source_id && a.occurred_at == b.occurred_at
         && a.payload == b.payload;
}

std::vector<envelope> make_envelopes(const incident_state& s, std::uint32_t partition,
                                     const std::vector<incident_event>& events) {
  const identity who = identity_of(s, events);
  std::vector<envelope> out;
  out.reserve(events.size());
  std::uint64_t seq = s.version;
  for (const auto& ev : events) {
    ++seq;
    out.push_back(envelope{who.id + "/" + std::to_string(seq), std::string(event_type(ev)),
                           who.tenant, partition, who.id, seq, who.trace_id,
                           std::string(to_string(who.source)), who.source_id, event_time(ev),
                           ev});
  }
  return out;
}

} // namespace tocsin::domain
