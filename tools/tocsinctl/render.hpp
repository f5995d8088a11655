// How tocsinctl shows API replies: JSON trees (the source of -o json and -o yaml), aligned
// tables, times and enum names. CLI-only code; pure functions.
#pragma once

#include "tocsin/v1/api.pb.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tocsinctl {

namespace pb = ::tocsin::v1;
using json = nlohmann::ordered_json;

enum class output { table, json, yaml };

/// "2026-11-28T05:00:00.123456789Z"; "" for 0. `millis` shortens to milliseconds.
std::string format_time(std::uint64_t unix_nano, bool millis = false);
/// RFC 3339 ("2026-11-28T05:00:00Z", fraction optional) or a past offset ("90s", "15m", "2h",
/// "7d"); false if neither.
bool parse_time(const std::string& text, std::uint64_t& unix_nano);

// Canonical lower-case names ("investigating", "high", ...) and their inverses.
std::string name_of(pb::Severity v);
std::string name_of(pb::Category v);
std::string name_of(pb::IncidentSource v);
std::string name_of(pb::IncidentStatus v);
std::string name_of(pb::EscalationReason v);
std::vector<std::string> severity_names();
std::vector<std::string> category_names();
std::vector<std::string> source_names();
std::vector<std::string> status_names();
pb::Severity severity_of(const std::string& name);
pb::Category category_of(const std::string& name);
pb::IncidentSource source_of(const std::string& name);
pb::IncidentStatus status_of(const std::string& name);

json to_json(const pb::Incident& in);
json to_json(const pb::TimelineEntry& in);
json to_json(const pb::IncidentListEntry& in);
json to_json(const pb::WatchEvent& in);
json to_json(const pb::IncidentResponse& in);
json to_json(const pb::GetIncidentResponse& in);
json to_json(const pb::ListIncidentsResponse& in);

// Policies (render_policy.cpp): JSON/YAML in the policy-file format, and the table view.
std::string format_duration(std::int64_t nanos); // "5m", "30s", "250ms"
/// The largest unit that represents `nanos` exactly; "d" only with `days` (the policy parser
/// accepts ms, s, m, h; OpenSLO durations also d).
std::string exact_duration(std::int64_t nanos, bool days);
json policy_json(const pb::TenantPolicy& p);
json to_json(const pb::PolicyResponse& in);       // {source, applied_at, policy}
std::string policy_yaml(const pb::PolicyResponse& in); // re-appliable with `policy apply -f`
std::string policy_table(const pb::PolicyResponse& in);

/// Block-style YAML of a JSON tree (strings quoted when YAML would misread them).
std::string to_yaml(const json& j);

/// Columns padded to their widest cell; the first row is the header.
std::string table(const std::vector<std::vector<std::string>>& rows);

/// get in table form: fields, then the timeline.
std::string incident_table(const pb::Incident& inc, const std::vector<pb::TimelineEntry>& timeline);

/// Prints `j` in the chosen format (table callers print themselves).
void print(const json& j, output fmt);

} // namespace tocsinctl
