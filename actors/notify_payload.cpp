// Webhook bodies per payload format: see notify_payload.hpp for every shape.
#include "actors/notify_payload.hpp"

#include "actors/notify_envelope_json.hpp"

#include <nlohmann/json.hpp>

#include <variant>

namespace tocsin::actors {
namespace {

using nlohmann::json;
using namespace domain;

template <class T>
std::string name(T v) {
  return std::string(to_string(v));
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// Slack's text is one line: a title with newlines would split the headline.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  return s;
}

// Cuts to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string s, std::size_t max) {
  if (s.size() <= max)
    return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  s.resize(n);
  return s;
}

std::string headline(const incident_state& s) {
  return "[" + upper(name(s.sev)) + "] " + one_line(s.title) + " \xE2\x80\x94 " + name(s.status)
         + " (" + s.tenant + ") incident " + s.id;
}

// The step this notification is about: the event's own for a trigger, else the latest taken.
escalation_step step_of(const envelope& env, const incident_state& s) {
  if (const auto* e = std::get_if<escalation_step_taken>(&env.payload))
    return e->step;
  return s.escalations.empty() ? escalation_step{} : s.escalations.back().step;
}

timestamp opened_at(const envelope& env, const incident_state& s) {
  const timestamp t = s.entered_at[static_cast<int>(incident_status::open)];
  return t != 0 ? t : env.occurred_at;
}

json render_tocsin(const envelope& env, const incident_state& s, const notification& n) {
  json j = envelope_json(env);
  j["incident"] = incident_json(s);
  j["notification"] = {{"id", n.id}, {"kind", n.kind}, {"channel", n.channel}};
  return j;
}

std::string slack_color(const incident_state& s, const notification& n) {
  if (n.kind == "resolve")
    return "#2eb886";
  if (n.kind == "acknowledge")
    return "#daa038";
  switch (s.sev) {
  case severity::critical: return "#d00000";
  case severity::high: return "#e8590c";
  case severity::warning: return "#f2c744";
  case severity::info: return "#439fe0";
  }
  return "#439fe0";
}

json render_slack(const envelope& env, const incident_state& s, const notification& n) {
  auto field = [](const std::string& title, const std::string& value, bool is_short) {
    return json{{"title", title}, {"value", value}, {"short", is_short}};
  };
  json fields = json::array();
  fields.push_back(field("Severity", name(s.sev), true));
  fields.push_back(field("Status", name(s.status), true));
  fields.push_back(field("Tenant", s.tenant, true));
  fields.push_back(field("Incident", s.id, true));
  fields.push_back(field("Category", name(s.cat), true));
  fields.push_back(field("Source", s.source_id.empty() ? name(s.source)
                                                       : name(s.source) + ":" + s.source_id,
                         true));
  if (n.kind == "trigger") {
    const auto step = step_of(env, s);
    fields.push_back(field("Step", std::to_string(step.number) + " (" + step.role + ")", true));
  }
  if (n.kind == "resolve")
    fields.push_back(field("Root cause", s.root_cause, false));
  if (!s.attr.trace_id.empty())
    fields.push_back(field("Trace", s.attr.trace_id, false));
  const std::string text = headline(s);
  json attachment = {{"color", slack_color(s, n)},
                     {"fallback", text},
                     {"ts", env.occurred_at / nanos_per_second},
                     {"fields", fields}};
  return {{"text", text}, {"attachments", json::array({attachment})}};
}

json render_pagerduty(const envelope& env, const incident_state& s, const notification& n,
                      const channel& ch) {
  json j = {{"routing_key", ch.routing_key}, {"event_action", n.kind}, {"dedup_key", s.id}};
  if (n.kind != "trigger")
    return j; // Events API v2 ignores a payload on acknowledge/resolve
  const auto step = step_of(env, s);
  const std::string component = !s.attr.artifact_id.empty() ? s.attr.artifact_id
                                : !s.source_id.empty()     ? s.source_id
                                                           : name(s.source);
  json details = {{"incident_id", s.id},          {"tenant", s.tenant},
                  {"status", name(s.status)},     {"step", step.number},
                  {"role", step.role},            {"trace_id", s.attr.trace_id},
                  {"source", name(s.source)},     {"source_id", s.source_id},
                  {"event_id", env.event_id},     {"notification_id", n.id},
                  {"artifact_id", s.attr.artifact_id}, {"agent_id", s.attr.agent_id},
                  {"skill_id", s.attr.skill_id}};
  j["client"] = "tocsin";
  j["payload"] = {{"summary", cut_utf8(headline(s), 1024)},
                  {"source", s.tenant.empty() ? std::string("tocsin") : s.tenant},
                  {"severity", pagerduty_severity(s.sev)},
                  {"timestamp", rfc3339_ms(env.occurred_at)},
                  {"component", component},
                  {"group", !s.attr.agent_id.empty() ? s.attr.agent_id : s.tenant},
                  {"class", name(s.cat)},
                  {"custom_details", details}};
  return j;
}

// Label values go inside "..." in the group key: escape what would end or break the quote.
std::string quote_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

json render_alertmanager(const envelope& env, const incident_state& s, const notification& n,
                         const channel& ch, const payload_options& opts) {
  const bool resolved = n.kind == "resolve";
  const std::string status = resolved ? "resolved" : "firing";
  json labels = {{"alertname", s.title},       {"severity", name(s.sev)},
                 {"tenant", s.tenant},         {"incident_id", s.id},
                 {"category", name(s.cat)},    {"source", name(s.source)}};
  std::string description = name(s.sev) + " " + name(s.cat) + " incident from "
                            + name(s.source) + (s.source_id.empty() ? "" : " " + s.source_id)
                            + ": " + n.kind + ", status " + name(s.status);
  if (resolved && !s.root_cause.empty())
    description += "; root cause: " + s.root_cause;
  json annotations = {{"summary", s.title}, {"description", description}};
  const std::string generator =
      opts.external_url.empty() ? std::string() : opts.external_url + "/incidents/" + s.id;
  json alert = {{"status", status},
                {"labels", labels},
                {"annotations", annotations},
                {"startsAt", rfc3339_ms(opened_at(env, s))},
                {"endsAt", resolved ? rfc3339_ms(env.occurred_at) : "0001-01-01T00:00:00Z"},
                {"generatorURL", generator},
                {"fingerprint", stable_id(s.tenant, s.id).substr(0, 16)}};
  return {{"version", "4"},
          {"groupKey", "{}/{incident_id=\"" + quote_label(s.id) + "\"}:{alertname=\""
                           + quote_label(s.title) + "\"}"},
          {"truncatedAlerts", 0},
          {"status", status},
          {"receiver", ch.name},
          {"groupLabels", {{"alertname", s.title}}},
          {"commonLabels", labels},
          {"commonAnnotations", annotations},
          {"externalURL", opts.external_url},
          {"alerts", json::array({alert})}};
}

} // namespace

std::string pagerduty_severity(domain::severity s) {
  switch (s) {
  case severity::critical: return "critical";
  case severity::high: return "error";
  case severity::warning: return "warning";
  case severity::info: return "info";
  }
  return "info";
}

std::string render_payload(const domain::envelope& env, const domain::incident_state& state,
                           const domain::notification& n, const domain::channel& ch,
                           const payload_options& opts) {
  json j;
  switch (ch.format) {
  case payload_format::tocsin: j = render_tocsin(env, state, n); break;
  case payload_format::slack: j = render_slack(env, state, n); break;
  case payload_format::pagerduty: j = render_pagerduty(env, state, n, ch); break;
  case payload_format::alertmanager: j = render_alertmanager(env, state, n, ch, opts); break;
  }
  // Titles and notes come from operators and telemetry: repair bad UTF-8 rather than throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace tocsin::actors
