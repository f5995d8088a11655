// Policies in the policy-file format (config/tenants/example-policy.yaml), so that
// `policy get -o yaml > f.yaml` can be edited and applied again with `policy apply -f f.yaml`
// (secrets show as "***", which the server reads as "keep the stored secret").
#include "render.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace tocsinctl {

namespace {

std::string lower_without(const std::string& full, const std::string& prefix) {
  std::string s = full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string format_name(pb::PayloadFormat f) {
  return lower_without(pb::PayloadFormat_Name(f), "PAYLOAD_FORMAT_");
}

} // namespace

std::string exact_duration(std::int64_t nanos, bool days) {
  constexpr std::int64_t ms = 1'000'000;
  const std::pair<std::int64_t, const char*> units[] = {
    {86'400'000 * ms, "d"}, {3'600'000 * ms, "h"}, {60'000 * ms, "m"}, {1'000 * ms, "s"},
    {ms, "ms"}};
  if (nanos == 0)
    return "0s";
  for (const auto& [n, unit] : units)
    if ((days || *unit != 'd') && nanos % n == 0)
      return std::to_string(nanos / n) + unit;
  return std::to_string(nanos / ms) + "ms";
}

std::string format_duration(std::int64_t nanos) { return exact_duration(nanos, false); }

json policy_json(const pb::TenantPolicy& p) {
  json j = json::object();
  j["tenant"] = p.tenant();
  json sla = json::object();
  for (const auto& s : p.sla())
    sla[name_of(s.severity())] = format_duration(s.sla_nanos());
  j["sla"] = sla;
  j["default_role"] = p.default_role();
  json routes = json::array();
  for (const auto& r : p.routes()) {
    json route = json::object();
    if (r.category() != pb::CATEGORY_UNSPECIFIED)
      route["category"] = name_of(r.category());
    if (r.source() != pb::INCIDENT_SOURCE_UNSPECIFIED)
      route["source"] = name_of(r.source());
    route["role"] = r.role();
    routes.push_back(route);
  }
  j["routes"] = routes;
  json roles = json::object();
  for (const auto& rc : p.role_channels())
    roles[rc.role()] = std::vector<std::string>(rc.channels().begin(), rc.channels().end());
  j["roles"] = roles;
  json channels = json::object();
  for (const auto& c : p.channels()) {
    json ch = {{"url", c.url()}, {"format", format_name(c.format())}};
    if (!c.routing_key().empty())
      ch["routing_key"] = c.routing_key();
    if (!c.secret().empty())
      ch["secret"] = c.secret();
    channels[c.name()] = ch;
  }
  j["channels"] = channels;
  json steps = json::array();
  for (const auto& s : p.steps()) {
    json step = {{"delay", format_duration(s.delay_nanos())}};
    if (!s.role().empty())
      step["role"] = s.role();
    steps.push_back(step);
  }
  j["steps"] = steps;
  if (p.max_repeats() > 0)
    j["after_last_step"] = {{"repeat_every", format_duration(p.repeat_interval_nanos())},
                            {"max_repeats", p.max_repeats()}};
  else
    j["after_last_step"] = {{"stop", true}};
  const auto& g = p.governance();
  // Left out when off: the parser refuses a half-set rule, and "off" is its default.
  if (g.cost_anomaly_above() > 0 || g.slo_breaches() > 0) {
    json gov = {{"channel", g.channel()}};
    if (g.cost_anomaly_above() > 0)
      gov["cost_anomaly_above"] = g.cost_anomaly_above();
    if (g.slo_breaches() > 0) {
      gov["slo_breaches"] = g.slo_breaches();
      gov["slo_breach_period"] = format_duration(g.slo_breach_period_nanos());
    }
    j["governance"] = gov;
  }
  return j;
}

json to_json(const pb::PolicyResponse& in) {
  return json{{"source", in.source()},
              {"applied_at", format_time(static_cast<std::uint64_t>(in.applied_at_unix_nano()))},
              {"policy", policy_json(in.policy())}};
}

std::string policy_yaml(const pb::PolicyResponse& in) {
  std::ostringstream out;
  out << "# source: " << in.source();
  if (in.applied_at_unix_nano() != 0)
    out << ", applied at "
        << format_time(static_cast<std::uint64_t>(in.applied_at_unix_nano()), true);
  out << "\n# channel secrets show as \"***\": applying this file keeps them\n"
      << to_yaml(policy_json(in.policy()));
  return out.str();
}

std::string policy_table(const pb::PolicyResponse& in) {
  const auto& p = in.policy();
  std::ostringstream out;
  out << "tenant: " << p.tenant() << "  (source " << in.source();
  if (in.applied_at_unix_nano() != 0)
    out << ", applied " << format_time(static_cast<std::uint64_t>(in.applied_at_unix_nano()), true);
  out << ")\n\n";
  std::vector<std::vector<std::string>> sla = {{"SEVERITY", "SLA"}};
  for (const auto& s : p.sla())
    sla.push_back({name_of(s.severity()), format_duration(s.sla_nanos())});
  out << table(sla) << "\n";
  std::vector<std::vector<std::string>> routes = {{"CATEGORY", "SOURCE", "ROLE"}};
  for (const auto& r : p.routes())
    routes.push_back({r.category() ? name_of(r.category()) : "*",
                      r.source() ? name_of(r.source()) : "*", r.role()});
  routes.push_back({"*", "*", p.default_role() + " (default)"});
  out << table(routes) << "\n";
  std::vector<std::vector<std::string>> roles = {{"ROLE", "CHANNELS"}};
  for (const auto& rc : p.role_channels()) {
    std::string list;
    for (const auto& c : rc.channels())
      list += (list.empty() ? "" : ", ") + c;
    roles.push_back({rc.role(), list});
  }
  out << table(roles) << "\n";
  std::vector<std::vector<std::string>> channels = {{"CHANNEL", "URL", "FORMAT", "SECRET"}};
  for (const auto& c : p.channels())
    channels.push_back(
      {c.name(), c.url(), format_name(c.format()), c.secret().empty() ? "-" : "***"});
  out << table(channels) << "\n";
  std::vector<std::vector<std::string>> steps = {{"STEP", "DELAY", "ROLE"}};
  int n = 0;
  for (const auto& s : p.steps())
    steps.push_back({std::to_string(++n), format_duration(s.delay_nanos()),
                     s.role().empty() ? "(routed role)" : s.role()});
  out << table(steps) << "\n";
  if (p.max_repeats() > 0)
    out << "repeats: last step every " << format_duration(p.repeat_interval_nanos()) << ", at most "
        << p.max_repeats() << " times\n";
  else
    out << "repeats: none (stops after the last step)\n";
  return out.str();
}

} // namespace tocsinctl
