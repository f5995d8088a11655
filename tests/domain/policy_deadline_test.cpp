// Escalation timing under a tenant policy: next_deadline in every state, due_escalation around
// the deadline, and a whole escalation driven through decide/apply with injected time.
#include "domain/policy.hpp"

#include "policy_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tocsin::domain;
using namespace policy_fixture;

namespace {

const std::vector<std::string> operator_channels{"pager", "ops-slack"};
const std::vector<std::string> reviewer_channels{"ops-slack", "qa-hook"};

escalate manual(std::optional<escalation_step> step = std::nullopt) {
  return escalate{escalation_reason::manual, std::move(step), "alice"};
}

} // namespace

TEST_CASE("next_deadline: Open runs on the severity SLA from entering Open", "[policy][deadline]") {
  const auto p = acme();
  CHECK(next_deadline(p, opened(severity::high)) == t0 + 30 * minute);
  CHECK(next_deadline(p, opened(severity::warning)) == t0 + 240 * minute);
  CHECK_FALSE(next_deadline(p, opened(severity::info))); // no SLA for info: never by timer
  CHECK_FALSE(next_deadline(p, incident_state{}));       // no incident, no deadline
}

TEST_CASE("next_deadline: none while Acknowledged, Mitigated or Resolved", "[policy][deadline]") {
  const auto p = acme();
  auto s = step(opened(), acknowledge{"a"}, t0 + minute);
  CHECK_FALSE(next_deadline(p, s));
  s = step(s, begin_investigation{"a"}, t0 + 2 * minute);
  CHECK(next_deadline(p, s) == t0 + 2 * minute + 30 * minute); // the clock restarts
  auto mitigated = step(s, apply_mitigation{"rollback", "a"}, t0 + 3 * minute);
  CHECK_FALSE(next_deadline(p, mitigated));
  CHECK_FALSE(next_deadline(p, step(mitigated, resolve{"bad deploy", "a"}, t0 + 4 * minute)));
  CHECK_FALSE(next_deadline(p, step(opened(), resolve{"false positive", "a"}, t0 + minute)));
}

TEST_CASE("next_deadline: the SLA re-arms when Engage returns to Investigating",
          "[policy][deadline]") {
  const auto p = acme();
  auto s = step(opened(), manual(first_step(p, opened())), t0 + minute);
  s = step(s, engage_on_call{"bob"}, t0 + 7 * minute);
  REQUIRE(s.status == incident_status::investigating);
  CHECK(next_deadline(p, s) == t0 + 7 * minute + 30 * minute);
}

TEST_CASE("next_deadline: Escalated walks the step delays, then repeats up to the maximum",
          "[policy][deadline]") {
  const auto p = acme();
  const timestamp e = t0 + minute;
  auto s = step(opened(), manual(), e); // manual escalation, no step recorded yet
  CHECK(next_deadline(p, s) == e);      // step 1 is due at once (delay 0)
  s = step(s, manual(first_step(p, s)), e);
  CHECK(next_deadline(p, s) == e + 10 * minute); // step 2
  s = step(s, manual(), e + 12 * minute);          // taken late: the next delay counts from it
  CHECK(next_deadline(p, s) == e + 32 * minute);   // step 3
  s = step(s, manual(), e + 32 * minute);
  CHECK(next_deadline(p, s) == e + 62 * minute); // repeat 1
  s = step(s, manual(), e + 62 * minute);
  CHECK(next_deadline(p, s) == e + 92 * minute); // repeat 2
  s = step(s, manual(), e + 92 * minute);
  CHECK_FALSE(next_deadline(p, s)); // max_repeats reached

  auto no_repeats = p;
  no_repeats.max_repeats = 0;
  no_repeats.repeat_interval = 0;
  auto three = step(step(step(step(opened(), manual(), e), manual(), e), manual(), e), manual(), e);
  REQUIRE(three.escalations.size() == 3);
  CHECK_FALSE(next_deadline(no_repeats, three));
}

TEST_CASE("next_deadline: a new escalation round starts at step 1 again", "[policy][deadline]") {
  const auto p = acme();
  auto s = step(opened(), manual(first_step(p, opened())), t0);
  s = step(s, manual(), t0 + 10 * minute); // step 2 of round 1
  s = step(s, engage_on_call{"bob"}, t0 + 11 * minute);
  s = step(s, manual(), t0 + 20 * minute); // round 2, no step yet
  CHECK(next_deadline(p, s) == t0 + 20 * minute);
  s = step(s, manual(first_step(p, s)), t0 + 20 * minute);
  CHECK(s.escalations.back().step.number == 3); // numbers count every step ever taken
  CHECK(next_deadline(p, s) == t0 + 30 * minute); // round 2's step 2, not round 1's step 3
}

TEST_CASE("due_escalation before, at and after the SLA deadline", "[policy][deadline]") {
  const auto p = acme();
  const auto s = opened(severity::high);
  const timestamp deadline = t0 + 30 * minute;
  CHECK_FALSE(due_escalation(p, s, deadline - 1));
  for (timestamp now : {deadline, deadline + 5 * minute}) {
    auto due = due_escalation(p, s, now);
    REQUIRE(due);
    CHECK(due->reason == escalation_reason::timer);
    CHECK(due->step == escalation_step{1, "runtime.operator", operator_channels});
  }
  CHECK_FALSE(due_escalation(p, opened(severity::info), t0 + 1000 * 60 * minute));
}

TEST_CASE("due_escalation routes step 1 and names the role's channels", "[policy][deadline]") {
  const auto p = acme();
  auto cost = step(incident_state{}, open_cmd(severity::high, incident_source::cost, category::cost),
                   t0);
  auto due = due_escalation(p, cost, t0 + 30 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{1, "cost.analyst", {"finance-hook"}});
  auto other = step(incident_state{}, open_cmd(severity::high, incident_source::alert), t0);
  due = due_escalation(p, other, t0 + 30 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{1, "quality.reviewer", reviewer_channels});
  auto no_channels = p;
  no_channels.role_channels.erase("quality.reviewer");
  due = due_escalation(no_channels, other, t0 + 30 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{1, "quality.reviewer", {}});
}

TEST_CASE("due_escalation while Escalated: the next step, then repeats of the last",
          "[policy][deadline]") {
  const auto p = acme();
  auto s = step(opened(), manual(), t0);
  auto due = due_escalation(p, s, t0); // a manual escalation without a step: step 1 at once
  REQUIRE(due);
  CHECK(due->step == escalation_step{1, "runtime.operator", operator_channels});
  s = step(s, *due, t0);
  CHECK_FALSE(due_escalation(p, s, t0 + 10 * minute - 1));
  due = due_escalation(p, s, t0 + 10 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{2, "runtime.operator", operator_channels});
  s = step(s, *due, t0 + 10 * minute);
  due = due_escalation(p, s, t0 + 30 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{3, "quality.reviewer", reviewer_channels});
  s = step(s, *due, t0 + 30 * minute);
  due = due_escalation(p, s, t0 + 60 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{4, "quality.reviewer", reviewer_channels}); // a repeat
}

TEST_CASE("a policy without steps (never valid) still yields a routed step", "[policy]") {
  auto p = acme();
  p.steps.clear();
  auto due = due_escalation(p, opened(), t0 + 30 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{1, "runtime.operator", operator_channels});
  CHECK_FALSE(next_deadline(p, step(opened(), manual(), t0)));
}

TEST_CASE("first_step: number after the steps taken, routed role, its channels", "[policy]") {
  auto p = acme();
  auto s = opened();
  CHECK(first_step(p, s) == escalation_step{1, "runtime.operator", operator_channels});
  s = step(s, manual(first_step(p, s)), t0);
  s = step(s, manual(), t0 + minute);
  CHECK(first_step(p, s).number == 3);
  p.steps[0].role = "cost.analyst"; // a step's own role beats the route
  CHECK(first_step(p, s) == escalation_step{3, "cost.analyst", {"finance-hook"}});
}

TEST_CASE("a high incident escalates on its SLA and walks every step to the last repeat",
          "[policy][deadline][scenario]") {
  const auto p = acme();
  auto s = opened(severity::high, t0);

  // Each row: when the timer fires (the deadline it was armed for), and the step it must take.
  struct row {
    timestamp at;
    escalation_step step;
  };
  const timestamp sla = t0 + 30 * minute;
  const std::vector<row> table = {
      {sla, {1, "runtime.operator", operator_channels}},                    // SLA passes
      {sla + 10 * minute, {2, "runtime.operator", operator_channels}},      // step 2 after 10m
      {sla + 30 * minute, {3, "quality.reviewer", reviewer_channels}},      // step 3 after 20m
      {sla + 60 * minute, {4, "quality.reviewer", reviewer_channels}},      // repeat 1 after 30m
      {sla + 90 * minute, {5, "quality.reviewer", reviewer_channels}},      // repeat 2 after 30m
  };
  for (std::size_t i = 0; i < table.size(); ++i) {
    INFO("row " << i);
    const auto& r = table[i];
    REQUIRE(next_deadline(p, s) == r.at);
    CHECK_FALSE(due_escalation(p, s, r.at - 1)); // nothing early
    auto due = due_escalation(p, s, r.at);
    REQUIRE(due);
    CHECK(due->step == r.step);
    auto evs = decide(s, *due, r.at);
    REQUIRE(evs.ok());
    // Only the first timer changes state; later ones record a step and stay Escalated.
    CHECK(evs->size() == (i == 0 ? 2u : 1u));
    for (const auto& e : *evs) s = apply(s, e);
    CHECK(s.status == incident_status::escalated);
    REQUIRE(s.escalations.size() == i + 1);
    CHECK(s.escalations.back() == escalation_record{escalation_reason::timer, r.step, r.at});
  }
  CHECK_FALSE(next_deadline(p, s)); // repeats stop at max_repeats
  CHECK_FALSE(due_escalation(p, s, sla + 1000 * minute));

  // On-call engages: back to Investigating with a fresh SLA; the next round starts at step 1
  // again, numbered after the five steps already taken.
  const timestamp engaged = sla + 100 * minute;
  s = step(s, engage_on_call{"bob"}, engaged);
  REQUIRE(next_deadline(p, s) == engaged + 30 * minute);
  auto due = due_escalation(p, s, engaged + 30 * minute);
  REQUIRE(due);
  CHECK(due->step == escalation_step{6, "runtime.operator", operator_channels});
}

TEST_CASE("a critical open takes step 1 at once and step 2 after its delay",
          "[policy][deadline][scenario]") {
  const auto p = acme();
  auto cmd = open_cmd(severity::critical);
  // The incident does not exist yet: route on what the open command says about it.
  incident_state routed_as;
  routed_as.cat = cmd.cat;
  routed_as.source = cmd.source;
  cmd.severity_step = first_step(p, routed_as);
  auto s = step(incident_state{}, cmd, t0);
  REQUIRE(s.status == incident_status::escalated);
  REQUIRE(s.escalations.size() == 1);
  CHECK(s.escalations[0].step == escalation_step{1, "runtime.operator", operator_channels});
  CHECK(next_deadline(p, s) == t0 + 10 * minute);
  auto due = due_escalation(p, s, t0 + 10 * minute);
  REQUIRE(due);
  CHECK(due->step->number == 2);
}
