// Tenant policy: validation (every rule names its field), routing, defaults, names, stable ids
// and the notifications each incident event causes.
#include "domain/policy.hpp"

#include "policy_fixture.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

using namespace tocsin::domain;
using namespace policy_fixture;

namespace {

// The message of a policy validate must refuse.
std::string refusal(const std::function<void(tenant_policy&)>& edit) {
  auto p = acme();
  edit(p);
  auto e = validate(p);
  REQUIRE(e.code == errc::invalid_argument);
  return e.message;
}

const std::string known = " (known: runtime.operator, cost.analyst, quality.reviewer)";

} // namespace

TEST_CASE("the fixture policy and the default policy are valid", "[policy]") {
  CHECK(validate(acme()).code == errc::ok);
  CHECK(validate(default_policy("acme")).code == errc::ok);
}

TEST_CASE("default_policy: cost to cost.analyst, else runtime.operator, 5m/30m/4h SLAs, one "
          "immediate step",
          "[policy]") {
  auto p = default_policy("t1");
  CHECK(p.tenant == "t1");
  CHECK(p.sla == std::map<severity, duration>{{severity::critical, 5 * minute},
                                              {severity::high, 30 * minute},
                                              {severity::warning, 4 * 60 * minute}});
  CHECK(p.routes == std::vector<route>{{category::cost, std::nullopt, "cost.analyst"}});
  CHECK(p.default_role == "runtime.operator");
  incident_state cost_incident;
  cost_incident.cat = category::cost;
  cost_incident.source = incident_source::cost;
  CHECK(route_role(p, cost_incident) == "cost.analyst");
  incident_state slo_incident;
  slo_incident.source = incident_source::slo;
  CHECK(route_role(p, slo_incident) == "runtime.operator");
  CHECK(p.role_channels.empty());
  CHECK(p.channels.empty());
  CHECK(p.steps == std::vector<step_def>{step_def{0, ""}});
  CHECK(p.repeat_interval == 0);
  CHECK(p.max_repeats == 0);
  CHECK(p.governance == governance_thresholds{});
  CHECK(p == default_policy("t1"));
  CHECK_FALSE(p == default_policy("t2"));
}

TEST_CASE("policy equality looks at every field", "[policy]") {
  const auto base = acme();
  std::vector<std::function<void(tenant_policy&)>> edits = {
      [](tenant_policy& p) { p.tenant = "other"; },
      [](tenant_policy& p) { p.sla.erase(severity::warning); },
      [](tenant_policy& p) { p.routes.pop_back(); },
      [](tenant_policy& p) { p.default_role = "cost.analyst"; },
      [](tenant_policy& p) { p.role_channels["cost.analyst"].push_back("pager"); },
      [](tenant_policy& p) { p.channels["pager"].secret = "s"; },
      [](tenant_policy& p) { p.steps[1].delay += 1; },
      [](tenant_policy& p) { p.repeat_interval += 1; },
      [](tenant_policy& p) { p.max_repeats += 1; },
      [](tenant_policy& p) { p.governance.channel = "pager"; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto p = base;
    edits[i](p);
    INFO("edit " << i);
    CHECK_FALSE(p == base);
  }
  CHECK(acme() == base);
}

TEST_CASE("payload format names round-trip", "[policy]") {
  for (auto f : {payload_format::tocsin, payload_format::slack, payload_format::pagerduty,
                 payload_format::alertmanager})
    CHECK(parse_payload_format(to_string(f)) == f);
  CHECK(to_string(payload_format::pagerduty) == "pagerduty");
  CHECK(to_string(payload_format::alertmanager) == "alertmanager");
  CHECK_FALSE(parse_payload_format("PagerDuty"));
  CHECK_FALSE(parse_payload_format(""));
}

TEST_CASE("validate names the field at fault", "[policy][validate]") {
  using P = tenant_policy&;
  CHECK(refusal([](P p) { p.tenant.clear(); }) == "tenant: required");
  CHECK(refusal([](P p) { p.sla[severity::high] = 0; }) == "sla.high: must be positive");
  CHECK(refusal([](P p) { p.sla[severity::info] = -1; }) == "sla.info: must be positive");
  CHECK(refusal([](P p) { p.routes[0].role = "x"; }) == "routes[0].role: unknown role 'x'" + known);
  CHECK(refusal([](P p) { p.routes[1].role = ""; }) == "routes[1].role: unknown role ''" + known);
  CHECK(refusal([](P p) { p.default_role = "sre"; }) == "default_role: unknown role 'sre'" + known);
  CHECK(refusal([](P p) { p.role_channels["ops"] = {"pager"}; })
        == "role_channels[ops]: unknown role 'ops'" + known);
  CHECK(refusal([](P p) { p.role_channels["cost.analyst"].push_back("nope"); })
        == "role_channels[cost.analyst][1]: unknown channel 'nope'");
  CHECK(refusal([](P p) { p.channels["pager"].url.clear(); }) == "channels.pager.url: required");
  CHECK(refusal([](P p) { p.channels["pager"].url = "ftp://x"; })
        == "channels.pager.url: must start with http:// or https://, got 'ftp://x'");
  CHECK(refusal([](P p) { p.channels["pager"].url = "https://"; })
        == "channels.pager.url: a host is required");
  CHECK(refusal([](P p) { p.channels["pager"].routing_key.clear(); })
        == "channels.pager.routing_key: required for format pagerduty");
  CHECK(refusal([](P p) { p.channels["pager"].name = "pd"; })
        == "channels.pager.name: must equal its key 'pager'");
  CHECK(refusal([](P p) { p.steps.clear(); }) == "steps: at least one step is required");
  CHECK(refusal([](P p) { p.steps[1].delay = -1; }) == "steps[1].delay: must not be negative");
  CHECK(refusal([](P p) { p.steps[2].role = "boss"; })
        == "steps[2].role: unknown role 'boss'" + known);
  CHECK(refusal([](P p) { p.repeat_interval = -5; }) == "repeat_interval: must not be negative");
  CHECK(refusal([](P p) { p.repeat_interval = 0; })
        == "repeat_interval: must be positive when max_repeats > 0");
  CHECK(refusal([](P p) { p.governance.cost_anomaly_above = -1; })
        == "governance.cost_anomaly_above: must not be negative");
  CHECK(refusal([](P p) { p.governance.cost_anomaly_above = std::nan(""); })
        == "governance.cost_anomaly_above: must not be negative");
  CHECK(refusal([](P p) { p.governance.slo_breaches = 3; })
        == "governance.slo_breach_period: required when slo_breaches is set");
  CHECK(refusal([](P p) { p.governance.slo_breach_period = minute; })
        == "governance.slo_breaches: required when slo_breach_period is set");
  CHECK(refusal([](P p) { p.governance.cost_anomaly_above = 1000; })
        == "governance.channel: required when a governance rule is on");
  CHECK(refusal([](P p) {
          p.governance = governance_thresholds{0, 3, 60 * minute, "gone"};
        }) == "governance.channel: unknown channel 'gone'");
}

TEST_CASE("validate accepts the edges of each rule", "[policy][validate]") {
  auto p = acme();
  p.sla.clear();                   // no SLA: nothing escalates by timer
  p.steps = {step_def{0, ""}};     // empty role: the routed role
  p.repeat_interval = 0;
  p.max_repeats = 0;               // stop after the last step
  p.channels["pager"].url = "https://pd.example/v2/enqueue";
  p.governance = governance_thresholds{1000, 3, 60 * minute, "finance-hook"};
  CHECK(validate(p).code == errc::ok);
  p.governance = governance_thresholds{0, 0, 0, ""}; // all off, no channel needed
  CHECK(validate(p).code == errc::ok);
  p.role_channels.clear(); // a role without channels is allowed (nothing to notify)
  CHECK(validate(p).code == errc::ok);
}

TEST_CASE("route_role: first matching route, else the default role", "[policy][routing]") {
  const auto p = acme();
  incident_state s;
  s.cat = category::cost;
  s.source = incident_source::slo; // matches both routes: the first wins
  CHECK(route_role(p, s) == "cost.analyst");
  s.cat = category::performance;
  CHECK(route_role(p, s) == "runtime.operator");
  s.source = incident_source::alert;
  CHECK(route_role(p, s) == "quality.reviewer");
  auto catch_all = p;
  catch_all.routes.insert(catch_all.routes.begin(), route{std::nullopt, std::nullopt, "cost.analyst"});
  CHECK(route_role(catch_all, s) == "cost.analyst");
  auto both = p;
  both.routes = {route{category::performance, incident_source::signal, "cost.analyst"}};
  CHECK(route_role(both, s) == "quality.reviewer"); // category matches, source does not
  s.source = incident_source::signal;
  CHECK(route_role(both, s) == "cost.analyst");
}

TEST_CASE("stable_id is 32 hex chars, deterministic and separator-aware", "[policy][ids]") {
  CHECK(stable_id("acme/1", "pager") == "a5202c061d19feee20bb4608f669a6f0");
  CHECK(stable_id("acme/1", "pager") == stable_id("acme/1", "pager"));
  CHECK(stable_id("acme/1", "pager") != stable_id("acme/2", "pager"));
  CHECK(stable_id("ab", "c") != stable_id("a", "bc"));
  const auto id = stable_id("", "");
  CHECK(id.size() == 32);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("notifications_for each incident event", "[policy][notify]") {
  const auto p = acme();
  incident_state s;
  auto envs = step_env(s, open_cmd(severity::high), t0);
  REQUIRE(envs.size() == 1);
  CHECK(notifications_for(p, envs[0], s).empty()); // opening pages nobody by itself

  envs = step_env(s, escalate{escalation_reason::manual, first_step(p, s), "alice"}, t0 + 1);
  REQUIRE(envs.size() == 2);
  CHECK(notifications_for(p, envs[0], s).empty()); // IncidentEscalated: the step does the paging
  const auto& step_env1 = envs[1];
  REQUIRE(step_env1.type == "EscalationStepTaken");
  CHECK(notifications_for(p, step_env1, s)
        == std::vector<notification>{
            {stable_id(step_env1.event_id, "pager"), "pager", step_env1.event_id, incident_id,
             "trigger"},
            {stable_id(step_env1.event_id, "ops-slack"), "ops-slack", step_env1.event_id,
             incident_id, "trigger"}});

  // Step 3 pages quality.reviewer: ops-slack again (deduplicated below) and qa-hook.
  s = step(s, escalate{escalation_reason::timer, escalation_step{2, "cost.analyst",
                                                               {"finance-hook", "finance-hook"}},
                    "policy"},
           t0 + 2);
  envs = step_env(s, escalate{escalation_reason::timer,
                              escalation_step{3, "quality.reviewer", {"ops-slack", "qa-hook"}},
                              "policy"},
                  t0 + 3);
  REQUIRE(envs.size() == 1);
  CHECK(notifications_for(p, envs[0], s).size() == 2);

  envs = step_env(s, engage_on_call{"bob"}, t0 + 4);
  auto acks = notifications_for(p, envs[0], s);
  std::vector<std::string> ack_channels;
  for (const auto& n : acks) {
    CHECK(n.kind == "acknowledge");
    CHECK(n.event_id == envs[0].event_id);
    CHECK(n.id == stable_id(envs[0].event_id, n.channel));
    ack_channels.push_back(n.channel);
  }
  CHECK(ack_channels == std::vector<std::string>{"pager", "ops-slack", "finance-hook", "qa-hook"});

  envs = step_env(s, add_note{"looking", "bob"}, t0 + 5);
  CHECK(notifications_for(p, envs[0], s).empty());

  envs = step_env(s, resolve{"bad deploy", "bob"}, t0 + 6);
  auto resolves = notifications_for(p, envs[0], s);
  REQUIRE(resolves.size() == 4);
  for (const auto& n : resolves) CHECK(n.kind == "resolve");
  CHECK(notifications_for(p, envs[0], s) == resolves); // same event, same ids: safe to retry
}

TEST_CASE("notifications skip channels the policy no longer has", "[policy][notify]") {
  auto p = acme();
  incident_state s;
  step_env(s, open_cmd(severity::high), t0);
  auto envs = step_env(s, escalate{escalation_reason::manual, first_step(p, s), "alice"}, t0 + 1);
  p.channels.erase("pager");
  auto ns = notifications_for(p, envs[1], s);
  REQUIRE(ns.size() == 1);
  CHECK(ns[0].channel == "ops-slack");
}

TEST_CASE("acknowledging an Open incident nobody was paged for notifies nobody", "[policy][notify]") {
  const auto p = acme();
  incident_state s;
  step_env(s, open_cmd(severity::high), t0);
  auto envs = step_env(s, acknowledge{"alice"}, t0 + 1);
  CHECK(notifications_for(p, envs[0], s).empty());
}
