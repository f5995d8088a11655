// SLO status and definitions between the domain and the operator API's messages: the one place
// api/ converts them (definitions reuse persistence/slo_codec's wire form). Pure; any thread.
#pragma once

#include "actors/slo_messages.hpp"
#include "domain/error.hpp"
#include "tocsin/v1/api.pb.h"

#include <string>
#include <vector>

namespace tocsin::api {

/// The status view as SloStatus; `open_incident_id` is what the dedup index says now.
void status_to_pb(const actors::slo_status_view& v, const std::string& open_incident_id,
                  v1::SloStatus& out);

/// The definitions an Apply asks for, for `tenant`: the YAML's (parsed with
/// config::parse_openslo_text, errors naming file_name, line and key) then the structured ones
/// (empty tenants filled in, other tenants refused). invalid_argument naming the field.
domain::result<std::vector<domain::slo_definition>>
definitions_of(const v1::ApplySloRequest& req, const std::string& tenant);

} // namespace tocsin::api
