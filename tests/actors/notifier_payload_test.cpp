// Webhook bodies field by field, per format (shapes documented in actors/notify_payload.hpp),
// and the notifier's record and cursor encodings. Pure: no store, no network.
#include "actors/notification_record.hpp"
#include "actors/notify_envelope_json.hpp"
#include "actors/notify_payload.hpp"
#include "domain/incident.hpp"
#include "domain/policy.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <variant>

using namespace tocsin;
using nlohmann::json;

namespace {

const std::string incident_id = "01HZY3M4K5N6P7Q8R9S0T1V2W3";
constexpr domain::timestamp t0 = 1'700'000'000'123'000'000; // 2023-11-14T22:13:20.123Z

// A critical incident opened with a severity step paging `pd`, then engaged and resolved:
// every envelope with the state right after it.
struct story {
  std::vector<domain::envelope> envs;
  std::vector<domain::incident_state> states;

  void run(const domain::incident_command& cmd, domain::timestamp at) {
    const auto before = states.empty() ? domain::incident_state{} : states.back();
    auto events = domain::decide(before, cmd, at);
    REQUIRE(events.ok());
    auto s = before;
    for (auto& env : domain::make_envelopes(before, 7, *events)) {
      s = domain::apply(s, env.payload);
      envs.push_back(env);
      states.push_back(s);
    }
  }
  std::size_t index_of(std::string_view type) const {
    for (std::size_t i = 0; i < envs.size(); ++i)
      if (envs[i].type == type)
        return i;
    FAIL("no " << type);
    return 0;
  }
};

story critical_story(std::string title = "Checkout down") {
  domain::open_incident o;
  o.id = incident_id;
  o.tenant = "acme";
  o.title = std::move(title);
  o.sev = domain::severity::critical;
  o.source = domain::incident_source::slo;
  o.source_id = "slo-checkout";
  o.cat = domain::category::reliability;
  o.attr = {"artifact-1", "agent-1", "skill-1", "trace-1"};
  o.by = "tocsind";
  o.severity_step = domain::escalation_step{1, "runtime.operator", {"pd"}};
  story s;
  s.run(o, t0);
  s.run(domain::engage_on_call{"alice"}, t0 + 60 * domain::nanos_per_second);
  s.run(domain::resolve{"bad deploy", "alice"}, t0 + 120 * domain::nanos_per_second);
  return s;
}

domain::notification note_for(const domain::envelope& env, const std::string& kind,
                              const std::string& channel = "pd") {
  return {domain::stable_id(env.event_id, channel), channel, env.event_id, env.aggregate_id,
          kind};
}

json render(const story& s, std::string_view type, const std::string& kind,
            const domain::channel& ch, actors::payload_options opts = {}) {
  const auto i = s.index_of(type);
  const std::string body =
      actors::render_payload(s.envs[i], s.states[i], note_for(s.envs[i], kind, ch.name), ch, opts);
  json j = json::parse(body, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

domain::channel channel_of(domain::payload_format f, std::string name = "pd") {
  domain::channel c;
  c.name = std::move(name);
  c.url = "http://127.0.0.1:1/hook";
  c.format = f;
  c.routing_key = "R0UT1NGKEY";
  return c;
}

} // namespace

TEST_CASE("rfc3339_ms prints UTC with milliseconds", "[notifier][payload]") {
  CHECK(actors::rfc3339_ms(t0) == "2023-11-14T22:13:20.123Z");
  CHECK(actors::rfc3339_ms(0) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("tocsin format is the canonical envelope plus incident and notification",
          "[notifier][payload]") {
  const auto s = critical_story();
  const auto i = s.index_of("EscalationStepTaken");
  const auto& env = s.envs[i];
  const json j = render(s, "EscalationStepTaken", "trigger", channel_of(domain::payload_format::tocsin));
  CHECK(j.size() == 13);
  CHECK(j["event_id"] == env.event_id);
  CHECK(j["event_id"] == incident_id + "/3");
  CHECK(j["type"] == "EscalationStepTaken");
  CHECK(j["tenant"] == "acme");
  CHECK(j["partition"] == 7);
  CHECK(j["aggregate_id"] == incident_id);
  CHECK(j["sequence"] == 3);
  CHECK(j["trace_id"] == "trace-1");
  CHECK(j["source"] == "slo");
  CHECK(j["source_id"] == "slo-checkout");
  CHECK(j["occurred_at"] == "2023-11-14T22:13:20.123Z");
  CHECK(j["payload"] == json{{"step", {{"number", 1}, {"role", "runtime.operator"},
                                       {"channels", {"pd"}}}},
                             {"at", "2023-11-14T22:13:20.123Z"}});
  const json& inc = j["incident"];
  CHECK(inc.size() == 8);
  CHECK(inc["id"] == incident_id);
  CHECK(inc["title"] == "Checkout down");
  CHECK(inc["severity"] == "critical");
  CHECK(inc["status"] == "escalated");
  CHECK(inc["category"] == "reliability");
  CHECK(inc["source"] == "slo");
  CHECK(inc["source_id"] == "slo-checkout");
  CHECK(inc["attribution"] == json{{"artifact_id", "artifact-1"}, {"agent_id", "agent-1"},
                                   {"skill_id", "skill-1"}, {"trace_id", "trace-1"}});
  CHECK(j["notification"] == json{{"id", domain::stable_id(env.event_id, "pd")},
                                  {"kind", "trigger"}, {"channel", "pd"}});
}

TEST_CASE("tocsin format carries each event type's own fields", "[notifier][payload]") {
  const auto s = critical_story();
  const json opened = actors::event_fields_json(s.envs[s.index_of("IncidentOpened")].payload);
  CHECK(opened["id"] == incident_id);
  CHECK(opened["title"] == "Checkout down");
  CHECK(opened["severity"] == "critical");
  CHECK(opened["by"] == "tocsind");
  CHECK(opened["attribution"]["artifact_id"] == "artifact-1");
  CHECK(opened["exemplars"].is_array());
  const json escalated = actors::event_fields_json(s.envs[s.index_of("IncidentEscalated")].payload);
  CHECK(escalated["reason"] == "severity");
  const json resolved = actors::event_fields_json(s.envs[s.index_of("IncidentResolved")].payload);
  CHECK(resolved == json{{"by", "alice"}, {"at", "2023-11-14T22:15:20.123Z"},
                         {"root_cause", "bad deploy"}});
}

TEST_CASE("slack format: one-line text and an attachment with fields", "[notifier][payload]") {
  const auto s = critical_story();
  const json j = render(s, "EscalationStepTaken", "trigger", channel_of(domain::payload_format::slack));
  const std::string text = "[CRITICAL] Checkout down \xE2\x80\x94 escalated (acme) incident " + incident_id;
  CHECK(j.size() == 2);
  CHECK(j["text"] == text);
  REQUIRE(j["attachments"].size() == 1);
  const json& a = j["attachments"][0];
  CHECK(a["color"] == "#d00000");
  CHECK(a["fallback"] == text);
  CHECK(a["ts"] == t0 / domain::nanos_per_second);
  auto f = [](std::string title, std::string value, bool is_short) {
    return json{{"title", title}, {"value", value}, {"short", is_short}};
  };
  CHECK(a["fields"] == json::array({f("Severity", "critical", true), f("Status", "escalated", true),
                                    f("Tenant", "acme", true), f("Incident", incident_id, true),
                                    f("Category", "reliability", true),
                                    f("Source", "slo:slo-checkout", true),
                                    f("Step", "1 (runtime.operator)", true),
                                    f("Trace", "trace-1", false)}));

  const json resolved = render(s, "IncidentResolved", "resolve", channel_of(domain::payload_format::slack));
  CHECK(resolved["text"] == "[CRITICAL] Checkout down \xE2\x80\x94 resolved (acme) incident " + incident_id);
  CHECK(resolved["attachments"][0]["color"] == "#2eb886");
  CHECK(resolved["attachments"][0]["fields"][6] == f("Root cause", "bad deploy", false));

  const auto multi = critical_story("line one\nline two");
  const json one = render(multi, "EscalationStepTaken", "trigger", channel_of(domain::payload_format::slack));
  CHECK(one["text"].get<std::string>().find('\n') == std::string::npos);
}

TEST_CASE("pagerduty trigger: Events API v2 with the incident as dedup_key", "[notifier][payload]") {
  const auto s = critical_story();
  const auto i = s.index_of("EscalationStepTaken");
  const json j = render(s, "EscalationStepTaken", "trigger", channel_of(domain::payload_format::pagerduty));
  CHECK(j.size() == 5);
  CHECK(j["routing_key"] == "R0UT1NGKEY");
  CHECK(j["event_action"] == "trigger");
  CHECK(j["dedup_key"] == incident_id);
  CHECK(j["client"] == "tocsin");
  const json& p = j["payload"];
  CHECK(p.size() == 8);
  CHECK(p["summary"] == "[CRITICAL] Checkout down \xE2\x80\x94 escalated (acme) incident " + incident_id);
  CHECK(p["source"] == "acme");
  CHECK(p["severity"] == "critical");
  CHECK(p["timestamp"] == "2023-11-14T22:13:20.123Z");
  CHECK(p["component"] == "artifact-1");
  CHECK(p["group"] == "agent-1");
  CHECK(p["class"] == "reliability");
  CHECK(p["custom_details"] == json{{"incident_id", incident_id},
                                    {"tenant", "acme"},
                                    {"status", "escalated"},
                                    {"step", 1},
                                    {"role", "runtime.operator"},
                                    {"trace_id", "trace-1"},
                                    {"source", "slo"},
                                    {"source_id", "slo-checkout"},
                                    {"event_id", s.envs[i].event_id},
                                    {"notification_id", domain::stable_id(s.envs[i].event_id, "pd")},
                                    {"artifact_id", "artifact-1"},
                                    {"agent_id", "agent-1"},
                                    {"skill_id", "skill-1"}});
}

TEST_CASE("pagerduty acknowledge and resolve reuse the trigger's dedup_key", "[notifier][payload]") {
  const auto s = critical_story();
  const auto ch = channel_of(domain::payload_format::pagerduty);
  CHECK(render(s, "OnCallEngaged", "acknowledge", ch)
        == json{{"routing_key", "R0UT1NGKEY"}, {"event_action", "acknowledge"},
                {"dedup_key", incident_id}});
  CHECK(render(s, "IncidentResolved", "resolve", ch)
        == json{{"routing_key", "R0UT1NGKEY"}, {"event_action", "resolve"},
                {"dedup_key", incident_id}});
}

TEST_CASE("pagerduty severities and the 1024-byte summary limit", "[notifier][payload]") {
  CHECK(actors::pagerduty_severity(domain::severity::critical) == "critical");
  CHECK(actors::pagerduty_severity(domain::severity::high) == "error");
  CHECK(actors::pagerduty_severity(domain::severity::warning) == "warning");
  CHECK(actors::pagerduty_severity(domain::severity::info) == "info");
  std::string long_title;
  for (int i = 0; i < 800; ++i)
    long_title += "\xC3\xA9"; // é: two bytes each
  const auto s = critical_story(long_title);
  const json j = render(s, "EscalationStepTaken", "trigger", channel_of(domain::payload_format::pagerduty));
  const std::string summary = j["payload"]["summary"];
  CHECK(summary.size() <= 1024);
  CHECK(summary.size() >= 1022);
  CHECK(summary.find("\xEF\xBF\xBD") == std::string::npos); // cut on a character boundary
}

TEST_CASE("alertmanager webhook v4, firing then resolved", "[notifier][payload]") {
  const auto s = critical_story();
  actors::payload_options opts;
  opts.external_url = "https://tocsin.example";
  const auto ch = channel_of(domain::payload_format::alertmanager, "am");
  const json j = render(s, "EscalationStepTaken", "trigger", ch, opts);
  const json labels = {{"alertname", "Checkout down"}, {"severity", "critical"},
                       {"tenant", "acme"},             {"incident_id", incident_id},
                       {"category", "reliability"},    {"source", "slo"}};
  const json annotations = {
      {"summary", "Checkout down"},
      {"description",
       "critical reliability incident from slo slo-checkout: trigger, status escalated"}};
  CHECK(j.size() == 10);
  CHECK(j["version"] == "4");
  CHECK(j["groupKey"] == "{}/{incident_id=\"" + incident_id + "\"}:{alertname=\"Checkout down\"}");
  CHECK(j["truncatedAlerts"] == 0);
  CHECK(j["status"] == "firing");
  CHECK(j["receiver"] == "am");
  CHECK(j["groupLabels"] == json{{"alertname", "Checkout down"}});
  CHECK(j["commonLabels"] == labels);
  CHECK(j["commonAnnotations"] == annotations);
  CHECK(j["externalURL"] == "https://tocsin.example");
  REQUIRE(j["alerts"].size() == 1);
  const json& a = j["alerts"][0];
  CHECK(a.size() == 7);
  CHECK(a["status"] == "firing");
  CHECK(a["labels"] == labels);
  CHECK(a["annotations"] == annotations);
  CHECK(a["startsAt"] == "2023-11-14T22:13:20.123Z");
  CHECK(a["endsAt"] == "0001-01-01T00:00:00Z");
  CHECK(a["generatorURL"] == "https://tocsin.example/incidents/" + incident_id);
  CHECK(a["fingerprint"] == domain::stable_id("acme", incident_id).substr(0, 16));
  CHECK(a["fingerprint"].get<std::string>().size() == 16);

  const json r = render(s, "IncidentResolved", "resolve", ch, opts);
  CHECK(r["status"] == "resolved");
  CHECK(r["alerts"][0]["status"] == "resolved");
  CHECK(r["alerts"][0]["endsAt"] == "2023-11-14T22:15:20.123Z");
  CHECK(r["alerts"][0]["startsAt"] == "2023-11-14T22:13:20.123Z");
  CHECK(r["alerts"][0]["fingerprint"] == a["fingerprint"]);
  CHECK(r["groupKey"] == j["groupKey"]);
}

TEST_CASE("bodies survive invalid UTF-8 in operator text", "[notifier][payload]") {
  const auto s = critical_story("bad \xFF\xFE title");
  for (auto f : {domain::payload_format::tocsin, domain::payload_format::slack,
                 domain::payload_format::pagerduty, domain::payload_format::alertmanager}) {
    const auto i = s.index_of("EscalationStepTaken");
    const std::string body =
        actors::render_payload(s.envs[i], s.states[i], note_for(s.envs[i], "trigger"), channel_of(f));
    CHECK(json::parse(body, nullptr, false).is_object());
  }
}

TEST_CASE("notification records, cursors and keys round-trip", "[notifier][record]") {
  actors::notification_record r;
  r.id = domain::stable_id("a/1", "pd");
  r.tenant = "acme";
  r.channel = "pd";
  r.url = "http://x/y";
  r.format = "pagerduty";
  r.kind = "trigger";
  r.incident_id = incident_id;
  r.event_id = incident_id + "/3";
  r.event_type = "EscalationStepTaken";
  r.body = "{\"a\":1}";
  r.attempts = 3;
  r.created_at = "2023-11-14T22:13:20.123Z";
  r.last_error = "HTTP 503";
  const auto back = actors::decode_record(actors::encode_record(r));
  REQUIRE(back);
  CHECK(back->id == r.id);
  CHECK(back->body == r.body);
  CHECK(back->attempts == 3);
  CHECK(back->status == "pending");
  CHECK(back->event_type == "EscalationStepTaken");
  CHECK(back->last_error == "HTTP 503");
  CHECK(actors::encode_record(r).find("secret") == std::string::npos);
  r.last_error = "quote \" backslash \\ newline \n tab \t bell \x07";
  r.tenant = "caf\xC3\xA9";
  auto tricky = actors::decode_record(actors::encode_record(r));
  REQUIRE(tricky);
  CHECK(tricky->last_error == r.last_error);
  CHECK(tricky->tenant == r.tenant);
  CHECK(json::parse(actors::encode_record(r), nullptr, false).is_object());
  r.channel = "bad \xFF utf-8"; // repaired, never an unreadable record
  auto repaired = actors::decode_record(actors::encode_record(r));
  REQUIRE(repaired);
  CHECK(repaired->channel == "bad \xEF\xBF\xBD utf-8");
  CHECK_FALSE(actors::decode_record("not json"));
  CHECK_FALSE(actors::decode_record("{\"status\":\"pending\"}"));

  CHECK(actors::encode_cursor(0x0102030405060708ULL) == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  CHECK(actors::decode_cursor(actors::encode_cursor(123456789)) == 123456789u);
  CHECK_FALSE(actors::decode_cursor("short"));
  CHECK(actors::cursor_key("notifier", 12) == "notifier/12");
  CHECK(actors::pending_key(r.id) == "pending/" + r.id);
  CHECK(actors::dead_letter_key(r.id) == "notification/" + r.id);
  CHECK(std::string(actors::pending_prefix) > std::string("ffffffffffffffffffffffffffffffff"));
}
