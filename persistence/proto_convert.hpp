// Domain <-> generated protobuf conversions of incident values and events. Private to
// persistence/ (the only layer besides api/ that may see generated types). Pure functions.
#pragma once

#include "domain/incident_events.hpp"
#include "tocsin/v1/events.pb.h"

namespace tocsin::persistence::proto {

namespace pb = ::tocsin::v1;

// Proto enums mirror the domain enums in order, shifted by one (0 = UNSPECIFIED).
template <class Domain>
int to_proto_enum(Domain v) {
  return static_cast<int>(v) + 1;
}
/// False for UNSPECIFIED and values this build does not know.
template <class Domain>
bool from_proto_enum(int v, int count, Domain& out) {
  if (v < 1 || v > count)
    return false;
  out = static_cast<Domain>(v - 1);
  return true;
}

void to_proto(const domain::attribution& in, pb::Attribution& out);
void from_proto(const pb::Attribution& in, domain::attribution& out);
void to_proto(const domain::exemplar& in, pb::Exemplar& out);
void from_proto(const pb::Exemplar& in, domain::exemplar& out);
void to_proto(const domain::escalation_step& in, pb::EscalationStep& out);
void from_proto(const pb::EscalationStep& in, domain::escalation_step& out);

/// Sets the payload oneof of `out` from the event.
void payload_to_proto(const domain::incident_event& ev, pb::Envelope& out);
/// False when the payload is absent, of a kind this build cannot represent, or has bad enums.
bool payload_from_proto(const pb::Envelope& in, domain::incident_event& out);

} // namespace tocsin::persistence::proto
