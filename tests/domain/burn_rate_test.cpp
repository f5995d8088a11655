// SLO evaluation and breach edges: each default burn-rate pair fires only when both of its
// windows burn, budgets, stale after a gap or when aggregation lags (never healthy), and the
// breach_tracker's breached / repeat / recovered edges.
#include "domain/breach_tracker.hpp"
#include "domain/burn_rate.hpp"
#include "support/checkout_slo.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <utility>

using namespace tocsin::domain;
using tocsin::test::checkout_key;
using tocsin::test::checkout_slo;
using tocsin::test::condition;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp minute = 60 * sec;
constexpr timestamp hour = 60 * minute;
constexpr timestamp day = 24 * hour;
constexpr timestamp t0 = 472'222 * 3600 * sec;
constexpr timestamp now = t0 + 30 * day;

exemplar trace(std::string id) {
  exemplar e;
  e.trace_id = std::move(id);
  return e;
}

// Answers by window length: each window ending at `now` gets hand-set counts.
class fake_query final : public series_query {
public:
  std::map<duration, std::pair<std::uint64_t, std::uint64_t>> counts; // length -> calls, errors
  std::map<duration, bool> incomplete;
  timestamp closed_until = now - sec;

  range_sum sum(const series_key&, timestamp from, timestamp to) const override {
    range_sum r;
    r.closed_until = closed_until;
    auto it = counts.find(to - from);
    if (it != counts.end()) {
      r.value.calls = it->second.first;
      r.value.errors = it->second.second;
      if (it->second.second) r.value.exemplars = {trace("trace-" + std::to_string(to - from))};
    }
    r.complete = !incomplete.count(to - from);
    return r;
  }
  // Every window of the SLO healthy (0.01 % errors) unless set otherwise.
  fake_query() {
    for (duration d : {5 * minute, 30 * minute, hour, 2 * hour, 6 * hour, day, 3 * day, 28 * day})
      counts[d] = {10000, 1};
  }
};

} // namespace

TEST_CASE("a healthy SLO: every condition ok, budget mostly left", "[burn_rate]") {
  fake_query q;
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(s.health == slo_health::healthy);
  CHECK_FALSE(s.stale);
  CHECK_FALSE(s.breaching);
  CHECK(s.sli == Approx(0.9999));
  CHECK(s.budget_remaining == Approx(0.9));
  CHECK(s.budget_consumed == Approx(0.1));
  CHECK(s.conditions.size() == 4);
}

TEST_CASE("page at 14.4x over 1h only when 5m burns at 14.4x too", "[burn_rate]") {
  fake_query q;
  q.counts[hour] = {10000, 144}; // 1.44 % errors at 99.9 %: 14.4x
  q.counts[5 * minute] = {1000, 10}; // 10x: the spike is over
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "page-1h").long_burn == Approx(14.4));
  CHECK(condition(s, "page-1h").short_burn == Approx(10));
  CHECK(condition(s, "page-1h").state == condition_state::ok);
  CHECK(s.health == slo_health::healthy);

  q.counts[5 * minute] = {1000, 15}; // 15x
  s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "page-1h").firing());
  CHECK(s.breaching);
  CHECK(s.health == slo_health::breaching);
  CHECK(s.severity == severity::high);
  REQUIRE(s.exemplars.size() == 1);
  CHECK(s.exemplars[0].trace_id == "trace-" + std::to_string(5 * minute));

  q.counts[hour] = {10000, 143}; // 14.3x: the long window alone keeps it quiet
  CHECK_FALSE(evaluate(checkout_slo(), q, now).breaching);
}

TEST_CASE("page at 6x over 6h and 30m", "[burn_rate]") {
  fake_query q;
  q.counts[6 * hour] = {100000, 600}; // 0.6 %: 6x
  q.counts[30 * minute] = {10000, 59};
  CHECK(condition(evaluate(checkout_slo(), q, now), "page-6h").state == condition_state::ok);
  q.counts[30 * minute] = {10000, 60};
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "page-6h").firing());
  CHECK_FALSE(condition(s, "page-1h").firing());
  CHECK(s.severity == severity::high);
}

TEST_CASE("ticket at 3x over 1d and 2h", "[burn_rate]") {
  fake_query q;
  q.counts[day] = {100000, 300}; // 0.3 %: 3x
  q.counts[2 * hour] = {10000, 29};
  CHECK_FALSE(evaluate(checkout_slo(), q, now).breaching);
  q.counts[2 * hour] = {10000, 30};
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "ticket-1d").firing());
  CHECK(s.severity == severity::warning);
}

TEST_CASE("ticket at 1x over 3d and 6h; the most severe firing condition wins", "[burn_rate]") {
  fake_query q;
  q.counts[3 * day] = {1000000, 1000}; // 0.1 %: exactly the budget rate
  q.counts[6 * hour] = {100000, 100};
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "ticket-3d").firing());
  CHECK(s.severity == severity::warning);
  // A page condition firing at the same time makes the breach a page.
  q.counts[hour] = {1000, 20};
  q.counts[5 * minute] = {100, 2};
  s = evaluate(checkout_slo(), q, now);
  CHECK(s.severity == severity::high);
  auto d = checkout_slo();
  d.conditions = {{"critical-fast", severity::critical, hour, 5 * minute, 14.4}};
  CHECK(evaluate(d, q, now).severity == severity::critical);
}

TEST_CASE("budget remaining over the SLO window, clamped for display", "[burn_rate]") {
  fake_query q;
  q.counts[28 * day] = {1000000, 250}; // a quarter of the budget
  CHECK(evaluate(checkout_slo(), q, now).budget_remaining == Approx(0.75));
  q.counts[28 * day] = {1000000, 3000}; // 3x the budget
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(s.budget_remaining == 0);
  CHECK(s.budget_consumed == Approx(3));
  q.incomplete[28 * day] = true;
  s = evaluate(checkout_slo(), q, now);
  CHECK_FALSE(s.budget_complete);
  CHECK_FALSE(s.stale); // a gap a month ago does not make today's verdict unknown
}

TEST_CASE("incomplete windows: unknown unless a complete window rules the condition out",
          "[burn_rate][stale]") {
  fake_query q;
  q.incomplete[hour] = true; // page-1h long window has a gap, its 5m window is fine and cool
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "page-1h").state == condition_state::ok);
  CHECK(s.health == slo_health::healthy);
  CHECK(s.partial);
  CHECK_FALSE(s.stale);
  q.incomplete[5 * minute] = true; // now neither window can rule it out
  s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "page-1h").state == condition_state::unknown);
  CHECK(s.stale);
  CHECK(s.health == slo_health::unknown);
  // A breach visible on partial data is still a breach.
  q.counts[hour] = {1000, 100};
  q.counts[5 * minute] = {100, 10};
  s = evaluate(checkout_slo(), q, now);
  CHECK(s.health == slo_health::breaching);
  CHECK(s.partial);
  CHECK_FALSE(s.stale); // the verdict stands whatever the missing data was
}

TEST_CASE("lagging aggregation is stale, never healthy", "[burn_rate][stale]") {
  fake_query q;
  q.closed_until = now - 31 * sec; // allowed staleness is 30 s
  auto s = evaluate(checkout_slo(), q, now);
  CHECK(s.stale);
  CHECK(s.health == slo_health::unknown);
  for (const auto& c : s.conditions) CHECK(c.state == condition_state::unknown);
  q.closed_until = now - 30 * sec;
  CHECK(evaluate(checkout_slo(), q, now).health == slo_health::healthy);
}

TEST_CASE("a restart mid-window is stale for the gap, never healthy, then recovers",
          "[burn_rate][stale][restart]") {
  window_config cfg;
  cfg.lateness = sec;
  auto d = checkout_slo();
  d.target = 0.9;
  d.window = 60 * sec;
  d.allowed_staleness = 5 * sec;
  d.conditions = {{"fast", severity::high, 20 * sec, 5 * sec, 2}};
  // 10 calls a second, one error a second: a 10 % error rate is 1x the 90 % budget.
  auto feed = [](window_store& s, int from, int to) {
    for (int i = from; i < to; ++i)
      for (int k = 0; k < 10; ++k)
        s.add(span_observation(t0 + i * sec + k * 100 * nanos_per_milli, 1000, k == 0));
  };
  window_store before{cfg};
  feed(before, 0, 40);
  store_query q;
  q.add(checkout_key(), before);
  auto s = evaluate(d, q, t0 + 40 * sec);
  CHECK(s.health == slo_health::healthy);
  CHECK(condition(s, "fast").short_burn == Approx(1).epsilon(0.05));

  // Crash at t0+40 s; back at t0+43 s with the closed windows only.
  std::vector<closed_window> persisted = before.take_closed();
  auto after = window_store::restore(cfg, persisted, before.meta(), t0 + 43 * sec);
  feed(after, 43, 46);
  store_query q2;
  q2.add(checkout_key(), after);
  // Both windows of the condition overlap the lost seconds: unknown, so stale, not healthy.
  s = evaluate(d, q2, t0 + 46 * sec);
  CHECK(s.stale);
  CHECK(s.health == slo_health::unknown);
  CHECK(condition(s, "fast").state == condition_state::unknown);
  // Once the short window has moved past the gap it can rule the condition out again.
  feed(after, 46, 56);
  s = evaluate(d, q2, t0 + 56 * sec);
  CHECK(s.health == slo_health::healthy);
  CHECK_FALSE(s.budget_complete); // the SLO window still holds the gap
}

TEST_CASE("breach_tracker: breached on the edge, repeats per interval, recovers", "[breach]") {
  breach_tracker t{10 * minute};
  slo_status healthy;
  healthy.health = slo_health::healthy;
  slo_status unknown;
  unknown.health = slo_health::unknown;
  slo_status ticket;
  ticket.health = slo_health::breaching;
  ticket.severity = severity::warning;
  ticket.conditions = {condition_status{"ticket-1d", severity::warning, 3, 3.5, 4, true, true,
                                        condition_state::firing}};
  ticket.exemplars = {trace("t-1")};
  slo_status page = ticket;
  page.severity = severity::high;

  CHECK_FALSE(t.observe(healthy, t0));
  auto sig = t.observe(ticket, t0 + sec);
  REQUIRE(sig);
  CHECK(sig->edge == breach_edge::breached);
  CHECK(sig->severity == severity::warning);
  CHECK(sig->conditions == std::vector<std::string>{"ticket-1d"});
  CHECK(sig->exemplars == ticket.exemplars);
  CHECK_FALSE(t.observe(ticket, t0 + 2 * sec));           // still breaching: no new edge
  CHECK_FALSE(t.observe(ticket, t0 + sec + 10 * minute - 1));
  sig = t.observe(ticket, t0 + sec + 10 * minute);         // one re-notify per interval
  REQUIRE(sig);
  CHECK(sig->edge == breach_edge::repeat);
  CHECK(sig->since == t0 + sec);
  CHECK_FALSE(t.observe(ticket, t0 + 11 * minute));
  sig = t.observe(page, t0 + 12 * minute);                 // worse: repeat at once
  REQUIRE(sig);
  CHECK(sig->edge == breach_edge::repeat);
  CHECK(sig->severity == severity::high);
  CHECK_FALSE(t.observe(page, t0 + 13 * minute));
  // Stale: the breach is held, neither repeated nor recovered.
  CHECK_FALSE(t.observe(unknown, t0 + 40 * minute));
  CHECK(t.state().breaching);
  sig = t.observe(healthy, t0 + 41 * minute);
  REQUIRE(sig);
  CHECK(sig->edge == breach_edge::recovered);
  CHECK(sig->since == t0 + sec);
  CHECK_FALSE(t.observe(healthy, t0 + 42 * minute));
  CHECK_FALSE(t.observe(unknown, t0 + 43 * minute)); // unknown never breaches either
  CHECK(t.observe(page, t0 + 44 * minute)->edge == breach_edge::breached);

  breach_tracker quiet{0}; // no re-notify interval: edges only
  quiet.observe(page, t0);
  CHECK_FALSE(quiet.observe(page, t0 + day));
}
