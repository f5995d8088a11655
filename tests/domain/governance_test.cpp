// Governance hand-offs: deterministic ids, the cost amount rule (value - baseline above the
// tenant threshold, 0 = off), the SLO-breach sliding window (N within the period, one hand-off
// per period, consumed breaches).
#include "domain/governance.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp minute = 60 * sec;
constexpr timestamp t0 = 1'700'000'000 * sec;

governance_thresholds breaches(std::uint32_t n, duration period) {
  governance_thresholds g;
  g.slo_breaches = n;
  g.slo_breach_period = period;
  g.channel = "gov";
  return g;
}

cost_anomaly anomaly(double value, double baseline) {
  cost_anomaly a;
  a.window_start = t0;
  a.value = value;
  a.baseline = baseline;
  a.ratio = baseline > 0 ? value / baseline : 0;
  return a;
}

} // namespace

TEST_CASE("hand-off ids depend on tenant, kind, subject and window only") {
  const auto id = handoff_id("acme", handoff_cost_anomaly, "llm.cost", t0);
  CHECK(id.size() == 20);
  CHECK(id.rfind("gov-", 0) == 0);
  CHECK(id == handoff_id("acme", handoff_cost_anomaly, "llm.cost", t0));
  CHECK(id != handoff_id("globex", handoff_cost_anomaly, "llm.cost", t0));
  CHECK(id != handoff_id("acme", handoff_slo_breaches, "llm.cost", t0));
  CHECK(id != handoff_id("acme", handoff_cost_anomaly, "llm.cost{artifact.id=a}", t0));
  CHECK(id != handoff_id("acme", handoff_cost_anomaly, "llm.cost", t0 + sec));
  // The separators keep ("ab", "c") apart from ("a", "bc").
  CHECK(handoff_id("ab", "c", "x", 0) != handoff_id("a", "bc", "x", 0));
}

TEST_CASE("a cost anomaly goes to governance when value - baseline is above the threshold") {
  governance_thresholds g;
  CHECK_FALSE(cost_handoff_due(g, anomaly(1e9, 1))); // 0 = off
  g.cost_anomaly_above = 100;
  CHECK(cost_anomaly_amount(anomaly(250, 100)) == 150);
  CHECK(cost_anomaly_amount(anomaly(5, 10)) == 0);
  CHECK(cost_handoff_due(g, anomaly(250, 100)));
  CHECK_FALSE(cost_handoff_due(g, anomaly(200, 100))); // exactly the threshold: not above
  CHECK_FALSE(cost_handoff_due(g, anomaly(105, 10)));  // 95 of excess
  CHECK(cost_handoff_due(g, anomaly(111, 10)));        // 101 of excess

  const auto h = make_cost_handoff("acme", "llm.cost", anomaly(250, 100), 100, "gov", "INC1",
                                   t0 + minute);
  CHECK(h.id == handoff_id("acme", handoff_cost_anomaly, "llm.cost", t0));
  CHECK(h.kind == "cost_anomaly");
  CHECK(h.subject == "llm.cost");
  CHECK(h.amount == 150);
  CHECK(h.threshold == 100);
  CHECK(h.incident_id == "INC1");
  CHECK(h.channel == "gov");
  CHECK(h.window_start == t0);
  CHECK(h.at == t0 + minute);
  CHECK(h.summary.find("250.00") != std::string::npos);
  CHECK(h.summary.find("100.00") != std::string::npos);
}

TEST_CASE("N breaches of one SLO within the period make one hand-off") {
  const auto g = breaches(3, 10 * minute);
  breach_count_state s;
  CHECK_FALSE(count_breach(s, g, t0));
  CHECK_FALSE(count_breach(s, g, t0 + 4 * minute));
  auto w = count_breach(s, g, t0 + 9 * minute);
  REQUIRE(w);
  CHECK(w->first == t0);
  CHECK(w->last == t0 + 9 * minute);
  CHECK(w->breaches == 3);
  CHECK(s.breaches.empty()); // consumed
  CHECK(s.last_handoff == t0 + 9 * minute);

  const auto h = make_slo_handoff("acme", "checkout-availability", *w, g, "INC2");
  CHECK(h.id == handoff_id("acme", handoff_slo_breaches, "checkout-availability", t0));
  CHECK(h.amount == 3);
  CHECK(h.threshold == 3);
  CHECK(h.at == t0 + 9 * minute);
  CHECK(h.summary == "SLO checkout-availability breached 3 times within 10m");
}

TEST_CASE("breaches spread wider than the period never add up") {
  const auto g = breaches(3, 10 * minute);
  breach_count_state s;
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(count_breach(s, g, t0 + i * 6 * minute)); // 2 within any 10 minutes
  CHECK(s.breaches.size() == 2);
}

TEST_CASE("at most one hand-off per period, and only with N fresh breaches") {
  const auto g = breaches(2, 10 * minute);
  breach_count_state s;
  CHECK_FALSE(count_breach(s, g, t0));
  REQUIRE(count_breach(s, g, t0 + minute));
  // Two more soon after: counted, but the period since the last hand-off has not passed.
  CHECK_FALSE(count_breach(s, g, t0 + 2 * minute));
  CHECK_FALSE(count_breach(s, g, t0 + 3 * minute));
  // Once it has, the next breach completes a fresh pair.
  // Only the newest N are kept; the last hand-off (t0+1m) + the period is t0+11m.
  CHECK_FALSE(count_breach(s, g, t0 + 8 * minute));
  auto w = count_breach(s, g, t0 + 11 * minute);
  REQUIRE(w);
  CHECK(w->first == t0 + 8 * minute);
  CHECK(w->last == t0 + 11 * minute);
}

TEST_CASE("the breach rule is off without N or a period, and order does not matter much") {
  breach_count_state s;
  for (int i = 0; i < 10; ++i) {
    CHECK_FALSE(count_breach(s, breaches(0, 10 * minute), t0 + i * sec));
    CHECK_FALSE(count_breach(s, breaches(3, 0), t0 + i * sec));
  }
  const auto g = breaches(3, 10 * minute);
  breach_count_state a;
  CHECK_FALSE(count_breach(a, g, t0 + 2 * minute));
  CHECK_FALSE(count_breach(a, g, t0));
  auto w = count_breach(a, g, t0 + minute);
  REQUIRE(w);
  CHECK(w->first == t0);
  CHECK(w->last == t0 + 2 * minute);
}
