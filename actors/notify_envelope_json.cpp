// JSON views of envelopes, events and incidents: see notify_envelope_json.hpp.
#include "actors/notify_envelope_json.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <type_traits>

namespace tocsin::actors {
namespace {

using nlohmann::json;
using namespace domain;

template <class T>
std::string name(T v) {
  return std::string(to_string(v));
}

json attribution_json(const attribution& a) {
  return {{"artifact_id", a.artifact_id},
          {"agent_id", a.agent_id},
          {"skill_id", a.skill_id},
          {"trace_id", a.trace_id}};
}

json exemplars_json(const std::vector<exemplar>& xs) {
  json out = json::array();
  for (const auto& x : xs)
    out.push_back({{"trace_id", x.trace_id},
                   {"span_id", x.span_id},
                   {"artifact_id", x.artifact_id},
                   {"agent_id", x.agent_id},
                   {"skill_id", x.skill_id},
                   {"value", x.value},
                   {"at", rfc3339_ms(x.at)}});
  return out;
}

json step_json(const escalation_step& s) {
  return {{"number", s.number}, {"role", s.role}, {"channels", s.channels}};
}

// One overload per event type: a new event type fails to compile here instead of silently
// losing its fields.
struct fields_of {
  json operator()(const incident_opened& e) const {
    return {{"id", e.id},
            {"tenant", e.tenant},
            {"title", e.title},
            {"severity", name(e.sev)},
            {"source", name(e.source)},
            {"source_id", e.source_id},
            {"category", name(e.cat)},
            {"attribution", attribution_json(e.attr)},
            {"exemplars", exemplars_json(e.exemplars)},
            {"by", e.by},
            {"at", rfc3339_ms(e.at)}};
  }
  json operator()(const incident_acknowledged& e) const { return by_at(e.by, e.at); }
  json operator()(const investigation_started& e) const { return by_at(e.by, e.at); }
  json operator()(const mitigation_applied& e) const {
    json j = by_at(e.by, e.at);
    j["mitigation"] = e.mitigation;
    return j;
  }
  json operator()(const incident_escalated& e) const {
    json j = by_at(e.by, e.at);
    j["reason"] = name(e.reason);
    return j;
  }
  json operator()(const escalation_step_taken& e) const {
    return {{"step", step_json(e.step)}, {"at", rfc3339_ms(e.at)}};
  }
  json operator()(const on_call_engaged& e) const { return by_at(e.by, e.at); }
  json operator()(const incident_resolved& e) const {
    json j = by_at(e.by, e.at);
    j["root_cause"] = e.root_cause;
    return j;
  }
  json operator()(const note_added& e) const {
    json j = by_at(e.by, e.at);
    j["text"] = e.text;
    return j;
  }
  json operator()(const signal_repeated& e) const {
    return {{"occurrences", e.occurrences},
            {"exemplars", exemplars_json(e.exemplars)},
            {"at", rfc3339_ms(e.at)}};
  }

  static json by_at(const std::string& by, timestamp at) {
    return {{"by", by}, {"at", rfc3339_ms(at)}};
  }
};

} // namespace

std::string rfc3339_ms(domain::timestamp t) {
  // Floor division so times before the epoch still print a valid (earlier) instant.
  std::int64_t ms = t / nanos_per_milli;
  if (t % nanos_per_milli < 0)
    --ms;
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int milli = static_cast<int>(ms % 1000);
  if (milli < 0) {
    milli += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
  return buf;
}

nlohmann::json event_fields_json(const domain::incident_event& ev) {
  return std::visit(fields_of{}, ev);
}

nlohmann::json incident_json(const domain::incident_state& s) {
  return {{"id", s.id},
          {"title", s.title},
          {"severity", name(s.sev)},
          {"status", name(s.status)},
          {"category", name(s.cat)},
          {"source", name(s.source)},
          {"source_id", s.source_id},
          {"attribution", attribution_json(s.attr)}};
}

nlohmann::json envelope_json(const domain::envelope& env) {
  return {{"event_id", env.event_id},
          {"type", env.type},
          {"tenant", env.tenant},
          {"partition", env.partition},
          {"aggregate_id", env.aggregate_id},
          {"sequence", env.sequence},
          {"trace_id", env.trace_id},
          {"source", env.source},
          {"source_id", env.source_id},
          {"occurred_at", rfc3339_ms(env.occurred_at)},
          {"payload", event_fields_json(env.payload)}};
}

} // namespace tocsin::actors
