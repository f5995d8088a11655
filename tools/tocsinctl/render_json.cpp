// JSON shapes of API replies: field names of the proto, enums by canonical lower-case name,
// times as RFC 3339 with nanoseconds (so two reads of one incident compare equal as text).
#include "render.hpp"

#include <algorithm>
#include <cctype>

namespace tocsinctl {

namespace {

// "INCIDENT_STATUS_INVESTIGATING" minus "INCIDENT_STATUS_" -> "investigating".
std::string strip(const std::string& full, const std::string& prefix) {
  std::string s = full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

template <class Enum, class NameFn>
std::vector<std::string> names(int from, int to, NameFn fn) {
  std::vector<std::string> out;
  for (int v = from; v <= to; ++v)
    out.push_back(fn(static_cast<Enum>(v)));
  return out;
}

json attribution_json(const pb::Attribution& a) {
  return json{{"artifact_id", a.artifact_id()}, {"agent_id", a.agent_id()},
              {"skill_id", a.skill_id()}, {"trace_id", a.trace_id()}};
}

json exemplar_json(const pb::Exemplar& x) {
  return json{{"trace_id", x.trace_id()},     {"span_id", x.span_id()},
              {"artifact_id", x.artifact_id()}, {"agent_id", x.agent_id()},
              {"skill_id", x.skill_id()},     {"value", x.value()},
              {"at", format_time(x.at_unix_nano())}};
}

} // namespace

std::string name_of(pb::Severity v) { return strip(pb::Severity_Name(v), "SEVERITY_"); }
std::string name_of(pb::Category v) { return strip(pb::Category_Name(v), "CATEGORY_"); }
std::string name_of(pb::IncidentSource v) {
  return strip(pb::IncidentSource_Name(v), "INCIDENT_SOURCE_");
}
std::string name_of(pb::IncidentStatus v) {
  return strip(pb::IncidentStatus_Name(v), "INCIDENT_STATUS_");
}
std::string name_of(pb::EscalationReason v) {
  return strip(pb::EscalationReason_Name(v), "ESCALATION_REASON_");
}

std::vector<std::string> severity_names() {
  return names<pb::Severity>(1, 4, [](pb::Severity v) { return name_of(v); });
}
std::vector<std::string> category_names() {
  return names<pb::Category>(1, 5, [](pb::Category v) { return name_of(v); });
}
std::vector<std::string> source_names() {
  return names<pb::IncidentSource>(1, 5, [](pb::IncidentSource v) { return name_of(v); });
}
std::vector<std::string> status_names() {
  return names<pb::IncidentStatus>(1, 6, [](pb::IncidentStatus v) { return name_of(v); });
}

pb::Severity severity_of(const std::string& name) {
  pb::Severity v = pb::SEVERITY_UNSPECIFIED;
  pb::Severity_Parse("SEVERITY_" + upper(name), &v);
  return v;
}
pb::Category category_of(const std::string& name) {
  pb::Category v = pb::CATEGORY_UNSPECIFIED;
  pb::Category_Parse("CATEGORY_" + upper(name), &v);
  return v;
}
pb::IncidentSource source_of(const std::string& name) {
  pb::IncidentSource v = pb::INCIDENT_SOURCE_UNSPECIFIED;
  pb::IncidentSource_Parse("INCIDENT_SOURCE_" + upper(name), &v);
  return v;
}
pb::IncidentStatus status_of(const std::string& name) {
  pb::IncidentStatus v = pb::INCIDENT_STATUS_UNSPECIFIED;
  pb::IncidentStatus_Parse("INCIDENT_STATUS_" + upper(name), &v);
  return v;
}

json to_json(const pb::Incident& in) {
  json entered = json::object();
  for (const auto& e : in.entered_at())
    entered[name_of(e.status())] = format_time(e.at_unix_nano());
  json exemplars = json::array();
  for (const auto& x : in.exemplars())
    exemplars.push_back(exemplar_json(x));
  json escalations = json::array();
  for (const auto& r : in.escalations())
    escalations.push_back(json{{"reason", name_of(r.reason())},
                               {"step", r.step().number()},
                               {"role", r.step().role()},
                               {"channels", std::vector<std::string>(r.step().channels().begin(),
                                                                     r.step().channels().end())},
                               {"at", format_time(r.at_unix_nano())}});
  json notes = json::array();
  for (const auto& n : in.notes())
    notes.push_back(json{{"text", n.text()}, {"by", n.by()}, {"at", format_time(n.at_unix_nano())}});
  return json{{"id", in.id()},
              {"tenant", in.tenant()},
              {"title", in.title()},
              {"state", name_of(in.status())},
              {"severity", name_of(in.severity())},
              {"category", name_of(in.category())},
              {"source", name_of(in.source())},
              {"source_id", in.source_id()},
              {"attribution", attribution_json(in.attribution())},
              {"exemplars", exemplars},
              {"opened_at", format_time(in.opened_at_unix_nano())},
              {"updated_at", format_time(in.updated_at_unix_nano())},
              {"last_seen", format_time(in.last_seen_unix_nano())},
              {"entered_at", entered},
              {"root_cause", in.root_cause()},
              {"mitigation", in.mitigation()},
              {"escalations", escalations},
              {"notes", notes},
              {"occurrences", in.occurrences()},
              {"version", in.version()},
              {"allowed_moves", std::vector<std::string>(in.allowed_moves().begin(),
                                                         in.allowed_moves().end())}};
}

json to_json(const pb::TimelineEntry& in) {
  return json{{"sequence", in.sequence()}, {"at", format_time(in.at_unix_nano())},
              {"type", in.type()},         {"by", in.by()},
              {"details", in.details()},   {"event_id", in.event().event_id()}};
}

json to_json(const pb::IncidentListEntry& in) {
  return json{{"id", in.id()},
              {"tenant", in.tenant()},
              {"title", in.title()},
              {"state", name_of(in.status())},
              {"severity", name_of(in.severity())},
              {"category", name_of(in.category())},
              {"source", name_of(in.source())},
              {"source_id", in.source_id()},
              {"trace_id", in.trace_id()},
              {"opened_at", format_time(in.opened_at_unix_nano())},
              {"updated_at", format_time(in.updated_at_unix_nano())},
              {"version", in.version()}};
}

json to_json(const pb::WatchEvent& in) {
  const auto& e = in.event();
  return json{{"offset", in.offset()},
              {"event_id", e.event_id()},
              {"type", e.type()},
              {"tenant", e.tenant()},
              {"incident", e.aggregate_id()},
              {"sequence", e.sequence()},
              {"at", format_time(e.occurred_at_unix_nano())},
              {"details", in.details()}};
}

json to_json(const pb::IncidentResponse& in) {
  json appended = json::array();
  for (const auto& t : in.appended())
    appended.push_back(to_json(t));
  return json{{"incident", to_json(in.incident())},
              {"appended", appended},
              {"deduplicated", in.deduplicated()}};
}

json to_json(const pb::GetIncidentResponse& in) {
  json timeline = json::array();
  for (const auto& t : in.timeline())
    timeline.push_back(to_json(t));
  return json{{"incident", to_json(in.incident())}, {"timeline", timeline}};
}

json to_json(const pb::ListIncidentsResponse& in) {
  json items = json::array();
  for (const auto& s : in.incidents())
    items.push_back(to_json(s));
  return json{{"incidents", items}, {"next_page_token", in.next_page_token()}};
}

} // namespace tocsinctl
