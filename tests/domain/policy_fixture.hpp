// Shared by the tests/domain/policy_*_test.cpp files: a realistic tenant policy and incidents
// driven through decide/apply, so the policy is tested against states the aggregate can reach.
#pragma once

#include "domain/policy.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace policy_fixture {

using namespace tocsin::domain;

constexpr duration minute = 60 * nanos_per_second;
constexpr timestamp t0 = 1'700'000'000 * nanos_per_second;

inline const std::string incident_id = "01HZY3M4K5N6P7Q8R9S0T1V2W3";

inline channel make_channel(const std::string& name, payload_format f = payload_format::tocsin) {
  channel c{name, "http://127.0.0.1:9000/" + name, f, "", ""};
  if (f == payload_format::pagerduty) c.routing_key = "rk-" + name;
  return c;
}

/// Three steps (0, +10m to runtime.operator, +20m to quality.reviewer), then two repeats every
/// 30m. Cost incidents go to cost.analyst, slo ones to runtime.operator, the rest to
/// quality.reviewer.
inline tenant_policy acme() {
  tenant_policy p;
  p.tenant = "acme";
  p.sla = {{severity::critical, 5 * minute},
           {severity::high, 30 * minute},
           {severity::warning, 240 * minute}};
  p.routes = {route{category::cost, std::nullopt, "cost.analyst"},
              route{std::nullopt, incident_source::slo, "runtime.operator"}};
  p.default_role = "quality.reviewer";
  p.role_channels = {{"runtime.operator", {"pager", "ops-slack"}},
                     {"cost.analyst", {"finance-hook"}},
                     {"quality.reviewer", {"ops-slack", "qa-hook"}}};
  for (auto c : {make_channel("pager", payload_format::pagerduty), make_channel("ops-slack",
                 payload_format::slack), make_channel("finance-hook"), make_channel("qa-hook")})
    p.channels[c.name] = c;
  p.steps = {step_def{0, ""}, step_def{10 * minute, "runtime.operator"},
             step_def{20 * minute, "quality.reviewer"}};
  p.repeat_interval = 30 * minute;
  p.max_repeats = 2;
  return p;
}

inline open_incident open_cmd(severity sev = severity::high,
                              incident_source src = incident_source::slo,
                              category cat = category::performance) {
  open_incident c;
  c.id = incident_id;
  c.tenant = "acme";
  c.title = "checkout latency";
  c.sev = sev;
  c.source = src;
  c.source_id = "slo-checkout";
  c.cat = cat;
  c.by = "test";
  return c;
}

/// Decides and folds, failing the test on refusal.
inline incident_state step(incident_state s, const incident_command& cmd, timestamp now) {
  auto evs = decide(s, cmd, now);
  INFO((evs.ok() ? std::string() : evs.err().message));
  REQUIRE(evs.ok());
  for (const auto& e : *evs) s = apply(s, e);
  return s;
}

/// Decides and folds, returning the envelopes of the events (for notifications_for).
inline std::vector<envelope> step_env(incident_state& s, const incident_command& cmd,
                                      timestamp now) {
  auto evs = decide(s, cmd, now);
  INFO((evs.ok() ? std::string() : evs.err().message));
  REQUIRE(evs.ok());
  auto envs = make_envelopes(s, 0, *evs);
  for (const auto& e : *evs) s = apply(s, e);
  return envs;
}

inline incident_state opened(severity sev = severity::high, timestamp at = t0) {
  return step(incident_state{}, open_cmd(sev), at);
}

} // namespace policy_fixture
