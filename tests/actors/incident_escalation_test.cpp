// What a fired deadline means for an incident (pure helper of the incident actor): escalate,
// re-arm under a changed policy, or ignore a stale entry; and the steps a policy adds to commands.
#include "actors/incident_escalation.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
using actors::deadline_outcome;

namespace {

constexpr domain::timestamp t0 = 1'700'000'000 * domain::nanos_per_second;
constexpr domain::duration sec = domain::nanos_per_second;

domain::tenant_policy policy(domain::duration high_sla) {
  auto p = domain::default_policy("acme");
  p.sla[domain::severity::high] = high_sla;
  p.channels["pager"] = {"pager", "http://127.0.0.1:9/x", domain::payload_format::tocsin, "", ""};
  p.role_channels["runtime.operator"] = {"pager"};
  return p;
}

domain::incident_state open_high() {
  domain::incident_opened ev;
  ev.id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  ev.tenant = "acme";
  ev.title = "t";
  ev.sev = domain::severity::high;
  ev.at = t0;
  return domain::apply({}, domain::incident_event{ev});
}

} // namespace

TEST_CASE("a fired deadline escalates, re-arms or is ignored") {
  auto s = open_high();
  const auto p = policy(2 * sec);
  const auto at = t0 + 2 * sec;

  auto due = actors::on_deadline(p, s, s.version, at, at);
  REQUIRE(due.kind == deadline_outcome::escalate);
  CHECK(due.command->reason == domain::escalation_reason::timer);
  CHECK(due.command->step->channels == std::vector<std::string>{"pager"});

  // A note re-tagged the entry while this firing was in flight: same deadline, still current.
  auto noted = domain::apply(s, domain::incident_event{domain::note_added{"n", "x", t0 + sec}});
  CHECK(actors::on_deadline(p, noted, s.version, at, at).kind == deadline_outcome::escalate);

  // Acknowledged: no deadline any more; the entry is stale.
  auto acked = domain::apply(s, domain::incident_event{domain::incident_acknowledged{"x", t0 + sec}});
  CHECK(actors::on_deadline(p, acked, s.version, at, at).kind == deadline_outcome::stale);

  // A longer SLA since the entry was written: re-armed at the new deadline, no escalation.
  auto later = actors::on_deadline(policy(60 * sec), s, s.version, at, at);
  REQUIRE(later.kind == deadline_outcome::rearm);
  CHECK(later.at == t0 + 60 * sec);
}

TEST_CASE("policy steps are added to critical opens and manual escalations") {
  const auto p = policy(2 * sec);
  domain::open_incident o;
  o.id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  o.tenant = "acme";
  o.title = "down";
  o.sev = domain::severity::critical;
  auto cmd = actors::with_policy_steps(p, {}, domain::incident_command{o});
  const auto& enriched = std::get<domain::open_incident>(cmd);
  REQUIRE(enriched.severity_step);
  CHECK(enriched.severity_step->number == 1);
  CHECK(enriched.severity_step->role == "runtime.operator");

  auto manual = actors::with_policy_steps(p, open_high(), domain::incident_command{domain::escalate{}});
  REQUIRE(std::get<domain::escalate>(manual).step);
  CHECK(std::get<domain::escalate>(manual).step->channels == std::vector<std::string>{"pager"});
}
