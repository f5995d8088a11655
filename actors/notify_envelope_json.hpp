// JSON views of the canonical envelope, its event and the incident, shared by every webhook
// payload format (actors/notify_payload). Pure functions; any thread.
#pragma once

#include "domain/envelope.hpp"
#include "domain/incident.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace tocsin::actors {

/// RFC 3339 UTC with milliseconds, e.g. "2023-11-14T22:13:20.123Z"; 0 gives the epoch.
std::string rfc3339_ms(domain::timestamp t);

/// The event's own fields: {by, at, ...} per event type; times as rfc3339_ms, enums by their
/// canonical names, escalation steps as {number, role, channels}.
nlohmann::json event_fields_json(const domain::incident_event& ev);

/// {id, title, severity, status, category, source, source_id,
///  attribution: {artifact_id, agent_id, skill_id, trace_id}}
nlohmann::json incident_json(const domain::incident_state& s);

/// {event_id, type, tenant, partition, aggregate_id, sequence, trace_id, source, source_id,
///  occurred_at, payload: event_fields_json}
nlohmann::json envelope_json(const domain::envelope& env);

} // namespace tocsin::actors
