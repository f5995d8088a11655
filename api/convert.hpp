// proto <-> domain conversion of the operator API, in one place (DESIGN.md §10). Pure functions,
// callable from any thread; the services call them, nothing outside api/ sees these types.
#pragma once

#include "domain/envelope.hpp"
#include "domain/error.hpp"
#include "domain/incident.hpp"
#include "persistence/store.hpp"
#include "tocsin/v1/api.pb.h"

#include <string>

namespace tocsin::api {

namespace pb = ::tocsin::v1;

// -- domain -> proto -----------------------------------------------------------------------------
void to_proto(const domain::incident_state& in, pb::Incident& out);
void to_proto(const domain::envelope& in, pb::Envelope& out);
void to_proto(const domain::envelope& in, pb::TimelineEntry& out);
void to_proto(const persistence::incident_summary& in, pb::IncidentListEntry& out);

/// Who caused an event ("" for events without an actor, e.g. a repeated signal).
std::string event_by(const domain::incident_event& ev);
/// One line for humans: "mitigation: rolled back", "root cause: disk full", "step 2 -> sre".
std::string event_details(const domain::incident_event& ev);

// -- proto -> domain (validating: errors are invalid_argument naming the field) -----------------
domain::result<domain::severity> from_proto(pb::Severity v, const char* field);
domain::result<domain::category> from_proto(pb::Category v, const char* field);
domain::result<domain::incident_source> from_proto(pb::IncidentSource v, const char* field);
domain::result<domain::incident_status> from_proto(pb::IncidentStatus v, const char* field);

/// `tenant` is the authorised tenant (the request's field is not trusted for it).
domain::result<domain::open_incident> from_proto(const pb::OpenIncidentRequest& in,
                                                 const std::string& tenant);
domain::result<persistence::incident_filter> from_proto(const pb::ListIncidentsRequest& in,
                                                        const std::string& tenant);

} // namespace tocsin::api
