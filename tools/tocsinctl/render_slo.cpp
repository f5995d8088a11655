// SLO rendering: see render_slo.hpp.
#include "render_slo.hpp"

#include "tocsin/v1/definitions.pb.h"

#include <cstdio>
#include <sstream>

namespace tocsinctl {

namespace {

std::string lower_name(const std::string& full, const std::string& prefix) {
  std::string s = full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string percent(double ratio, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f %%", decimals, ratio * 100);
  return buf;
}

std::string times(double burn) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2fx", burn);
  return buf;
}

const char* span_kind_name(int k) {
  static const char* const names[] = {"unspecified", "internal", "server",
                                      "client",      "producer", "consumer"};
  return k >= 0 && k < 6 ? names[k] : "unknown";
}

json selector_json(const pb::SeriesSelector& s) {
  const auto& k = s.key();
  json j = {{"series", lower_name(pb::SeriesKind_Name(k.kind()), "SERIES_KIND_")}};
  if (!k.service().empty())
    j["service"] = k.service();
  if (!k.name().empty())
    j["name"] = k.name();
  if (k.kind() == pb::SERIES_KIND_SPAN)
    j["kind"] = span_kind_name(k.span_kind());
  if (k.kind() == pb::SERIES_KIND_LOG)
    j["level"] = lower_name(pb::LogLevel_Name(k.level()), "LOG_LEVEL_");
  if (k.attributes_size() > 0) {
    json attrs = json::object();
    for (const auto& a : k.attributes())
      attrs[a.key()] = a.value();
    j["attributes"] = attrs;
  }
  j["measure"] = lower_name(pb::Measure_Name(s.measure()), "MEASURE_");
  return j;
}

json condition_json(const pb::AlertCondition& c) {
  return {{"name", c.name()},
          {"severity", name_of(c.severity())},
          {"threshold", c.threshold()},
          {"long_window", slo_duration(c.long_window_nanos())},
          {"short_window", slo_duration(c.short_window_nanos())}};
}

std::string series_text(const pb::SeriesSelector& s) {
  const auto j = selector_json(s);
  std::string out = j["series"].get<std::string>() + ":";
  for (const char* f : {"service", "name", "kind", "level"})
    if (j.contains(f))
      out += (out.back() == ':' ? "" : "/") + j[f].get<std::string>();
  return out + " " + j["measure"].get<std::string>();
}

} // namespace

std::string slo_duration(std::int64_t nanos) { return exact_duration(nanos, true); }

json slo_json(const pb::StoredSlo& s) {
  const auto& d = s.definition();
  json ratio = json::object();
  if (d.ratio().has_good())
    ratio["good"] = selector_json(d.ratio().good());
  if (d.ratio().has_bad())
    ratio["bad"] = selector_json(d.ratio().bad());
  ratio["total"] = selector_json(d.ratio().total());
  json conditions = json::array();
  for (const auto& c : d.conditions())
    conditions.push_back(condition_json(c));
  return {{"id", d.id()},
          {"tenant", d.tenant()},
          {"name", d.name()},
          {"service", d.service()},
          {"description", d.description()},
          {"target", d.target()},
          {"window", slo_duration(d.window_nanos())},
          {"budgeting_method", d.budgeting_method()},
          {"ratio", ratio},
          {"conditions", conditions}, // empty: the defaults
          {"allowed_staleness", slo_duration(d.allowed_staleness_nanos())},
          {"source", s.source()},
          {"applied_at", format_time(s.applied_at_unix_nano())},
          {"yaml", s.yaml()}};
}

json slo_status_json(const pb::SloStatus& s) {
  json conditions = json::array();
  for (const auto& c : s.conditions())
    conditions.push_back({{"name", c.name()},
                          {"severity", name_of(c.severity())},
                          {"threshold", c.threshold()},
                          {"long_window", slo_duration(c.long_window_nanos())},
                          {"short_window", slo_duration(c.short_window_nanos())},
                          {"long_burn_rate", c.long_burn_rate()},
                          {"short_burn_rate", c.short_burn_rate()},
                          {"long_complete", c.long_complete()},
                          {"short_complete", c.short_complete()},
                          {"state", c.state()}});
  json exemplars = json::array();
  for (const auto& x : s.exemplars())
    exemplars.push_back({{"trace_id", x.trace_id()},
                         {"span_id", x.span_id()},
                         {"artifact_id", x.artifact_id()},
                         {"agent_id", x.agent_id()},
                         {"skill_id", x.skill_id()},
                         {"at", format_time(x.at_unix_nano())}});
  json j = {{"id", s.id()},
            {"tenant", s.tenant()},
            {"at", format_time(s.at_unix_nano())},
            {"health", s.health()},
            {"breaching", s.breaching()},
            {"stale", s.stale()},
            {"partial", s.partial()},
            {"target", s.target()},
            {"window", slo_duration(s.window_nanos())},
            {"sli", s.has_sli() ? json(s.sli()) : json(nullptr)},
            {"budget_remaining", s.budget_remaining()},
            {"budget_consumed", s.budget_consumed()},
            {"budget_complete", s.budget_complete()},
            {"severity", s.severity() == pb::SEVERITY_UNSPECIFIED ? json(nullptr)
                                                                 : json(name_of(s.severity()))},
            {"conditions", conditions},
            {"exemplars", exemplars},
            {"data_until", format_time(s.data_until_unix_nano())},
            {"open_incident_id", s.open_incident_id()},
            {"tracked_breaching", s.tracked_breaching()},
            {"breaching_since", format_time(s.breaching_since_unix_nano())}};
  return j;
}

std::string slo_list_table(const pb::ListSlosResponse& r) {
  std::vector<std::vector<std::string>> rows = {
    {"ID", "NAME", "SERVICE", "TARGET", "WINDOW", "CONDITIONS", "SOURCE", "APPLIED"}};
  for (const auto& s : r.slos()) {
    const auto& d = s.definition();
    rows.push_back({d.id(), d.name(), d.service(), percent(d.target()),
                    slo_duration(d.window_nanos()),
                    d.conditions_size() == 0 ? "defaults" : std::to_string(d.conditions_size()),
                    s.source(), format_time(s.applied_at_unix_nano(), true)});
  }
  return table(rows);
}

std::string slo_table(const pb::StoredSlo& s) {
  const auto& d = s.definition();
  std::vector<std::vector<std::string>> rows = {
    {"id", d.id()},
    {"tenant", d.tenant()},
    {"name", d.name()},
    {"service", d.service()},
    {"target", percent(d.target())},
    {"window", slo_duration(d.window_nanos()) + " rolling, " + d.budgeting_method()},
    {d.ratio().has_good() ? "good" : "bad",
     series_text(d.ratio().has_good() ? d.ratio().good() : d.ratio().bad())},
    {"total", series_text(d.ratio().total())},
    {"stale after", slo_duration(d.allowed_staleness_nanos())},
    {"source", s.source() + ", applied " + format_time(s.applied_at_unix_nano(), true)}};
  std::ostringstream out;
  out << table(rows) << "\n";
  std::vector<std::vector<std::string>> conds = {
    {"CONDITION", "SEVERITY", "BURN RATE", "LONG WINDOW", "SHORT WINDOW"}};
  for (const auto& c : d.conditions())
    conds.push_back({c.name(), name_of(c.severity()), times(c.threshold()),
                     slo_duration(c.long_window_nanos()), slo_duration(c.short_window_nanos())});
  if (d.conditions_size() == 0)
    out << "conditions: the defaults (page 14.4x 1h/5m, page 6x 6h/30m, ticket 3x 1d/2h, "
           "ticket 1x 3d/6h)\n";
  else
    out << table(conds);
  return out.str();
}

std::string slo_status_table(const pb::SloStatus& s) {
  std::vector<std::vector<std::string>> rows = {
    {"slo", s.id() + " (tenant " + s.tenant() + ")"},
    {"health", s.health() + (s.stale() ? ", stale" : "") + (s.partial() ? ", partial data" : "")},
    {"sli", (s.has_sli() ? percent(s.sli()) : std::string{"no traffic"}) + " (target "
              + percent(s.target()) + " over " + slo_duration(s.window_nanos()) + ")"},
    {"error budget", percent(s.budget_remaining(), 1) + " remaining, "
                       + percent(s.budget_consumed(), 1) + " consumed"
                       + (s.budget_complete() ? "" : " (window has gaps)")},
    {"evaluated at", format_time(s.at_unix_nano(), true)},
    {"data until", format_time(s.data_until_unix_nano(), true)}};
  if (s.tracked_breaching())
    rows.push_back({"breaching since", format_time(s.breaching_since_unix_nano(), true)});
  rows.push_back({"open incident", s.open_incident_id().empty() ? "-" : s.open_incident_id()});
  std::ostringstream out;
  out << table(rows) << "\n";
  std::vector<std::vector<std::string>> conds = {
    {"CONDITION", "SEVERITY", "THRESHOLD", "LONG", "BURN", "SHORT", "BURN", "STATE"}};
  for (const auto& c : s.conditions())
    conds.push_back({c.name(), name_of(c.severity()), times(c.threshold()),
                     slo_duration(c.long_window_nanos()),
                     times(c.long_burn_rate()) + (c.long_complete() ? "" : "?"),
                     slo_duration(c.short_window_nanos()),
                     times(c.short_burn_rate()) + (c.short_complete() ? "" : "?"), c.state()});
  out << table(conds);
  if (s.exemplars_size() > 0) {
    std::vector<std::vector<std::string>> ex = {{"EXEMPLAR TRACE", "SPAN", "ARTIFACT", "AGENT",
                                                 "SKILL"}};
    for (const auto& x : s.exemplars())
      ex.push_back({x.trace_id(), x.span_id(), x.artifact_id(), x.agent_id(), x.skill_id()});
    out << "\n" << table(ex);
  }
  return out.str();
}

} // namespace tocsinctl
