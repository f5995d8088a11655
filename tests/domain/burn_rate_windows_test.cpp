// Burn-rate math over real window_stores (default retention tiers, so the long windows are read
// from 1-minute and 1-hour roll-ups) against hand-computed numbers for the four default
// page/ticket window pairs, and a second-scale pair with an open (partial) window.
#include "domain/burn_rate.hpp"
#include "domain/telemetry.hpp"
#include "support/checkout_slo.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;
using tocsin::test::checkout_key;
using tocsin::test::checkout_slo; // 99.9 %: a 0.1 % error budget; the default conditions
using tocsin::test::condition;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp minute = 60 * sec;
constexpr timestamp hour = 60 * minute;
constexpr timestamp day = 24 * hour;
constexpr timestamp now = 472'222 * hour; // hour-aligned, so every window is whole

observation minute_of_traffic(timestamp at, std::uint64_t calls, std::uint64_t errors) {
  observation o;
  o.at = at;
  o.calls = calls;
  o.errors = errors;
  return o;
}

// Three days up to now of 1000 calls a minute, errors(back) of them failing in the minute that
// began `back` minutes before now; then the store's clock reaches now.
template <class Errors>
void three_days(window_store& store, Errors errors) {
  for (timestamp back = 3 * day / minute; back >= 1; --back)
    store.add(minute_of_traffic(now - back * minute + 30 * sec, 1000, errors(back)));
  store.advance(now);
}

} // namespace

TEST_CASE("default page/ticket pairs over real windows, by hand", "[burn_rate][windows]") {
  // Three days of 1000 calls a minute. Errors per minute, counting back from now:
  //   last 5 min: 20   -> 5m: 100 / 5000            = 2.0 %    -> 20x
  //   5..60 min:  10   -> 30m: 100 + 25*10 = 350    / 30000    -> 11.667x
  //                       1h:  100 + 55*10 = 650    / 60000    -> 10.833x
  //   1..6 h:      2   -> 2h:  650 + 60*2 = 770     / 120000   -> 6.417x
  //                       6h:  650 + 300*2 = 1250   / 360000   -> 3.472x
  //   6 h..3 d:    1   -> 1d:  1250 + 1080 = 2330   / 1440000  -> 1.618x
  //                       3d:  1250 + 3960 = 5210   / 4320000  -> 1.206x
  // page-1h   14.4x: 1h 10.8 < 14.4 although 5m burns at 20x -> ok (the AND holds back)
  // page-6h    6x:   6h 3.47 < 6 although 30m burns at 11.7x -> ok
  // ticket-1d  3x:   1d 1.62 < 3 although 2h burns at 6.4x   -> ok
  // ticket-3d  1x:   3d 1.21 >= 1 and 6h 3.47 >= 1           -> firing, severity warning
  window_config cfg; // 1 s for 1 h, 1 min for 1 d, 1 h for 30 d
  cfg.lateness = 0;
  window_store store{cfg};
  three_days(store, [](timestamp back) -> std::uint64_t {
    return back <= 5 ? 20 : back <= 60 ? 10 : back <= 360 ? 2 : 1;
  });
  store_query q;
  q.add(checkout_key(), store);

  const auto s = evaluate(checkout_slo(), q, now);
  CHECK(condition(s, "page-1h").long_burn == Approx(650.0 / 60000 / 0.001));
  CHECK(condition(s, "page-1h").short_burn == Approx(20.0));
  CHECK(condition(s, "page-1h").state == condition_state::ok);
  CHECK(condition(s, "page-6h").long_burn == Approx(1250.0 / 360000 / 0.001));
  CHECK(condition(s, "page-6h").short_burn == Approx(350.0 / 30000 / 0.001));
  CHECK(condition(s, "page-6h").state == condition_state::ok);
  CHECK(condition(s, "ticket-1d").long_burn == Approx(2330.0 / 1440000 / 0.001));
  CHECK(condition(s, "ticket-1d").short_burn == Approx(770.0 / 120000 / 0.001));
  CHECK(condition(s, "ticket-1d").state == condition_state::ok);
  CHECK(condition(s, "ticket-3d").long_burn == Approx(5210.0 / 4320000 / 0.001));
  CHECK(condition(s, "ticket-3d").short_burn == Approx(1250.0 / 360000 / 0.001));
  CHECK(condition(s, "ticket-3d").state == condition_state::firing);
  CHECK(s.breaching);
  CHECK_FALSE(s.stale);
  REQUIRE(s.severity);
  CHECK(*s.severity == severity::warning);
  // The SLO window (28 d) holds the three days only: time before tracking counts as empty.
  CHECK(s.sli.value() == Approx(1 - 5210.0 / 4320000));
  CHECK(s.budget_consumed == Approx(5210.0 / 4320000 / 0.001));
  CHECK(s.budget_remaining == 0);
  CHECK(s.budget_complete);

  // Ten more minutes at 20 errors a minute push the 1 h window over 14.4x: now it pages.
  window_store hotter{cfg};
  three_days(hotter, [](timestamp back) -> std::uint64_t {
    return back <= 15 ? 20 : back <= 60 ? 10 : back <= 360 ? 2 : 1;
  });
  store_query q2;
  q2.add(checkout_key(), hotter);
  const auto s2 = evaluate(checkout_slo(), q2, now);
  // 1h: 15*20 + 45*10 = 750 / 60000 = 12.5x: still short of 14.4x, so page-1h stays ok...
  CHECK(condition(s2, "page-1h").long_burn == Approx(12.5));
  CHECK(condition(s2, "page-1h").state == condition_state::ok);
  CHECK(*s2.severity == severity::warning);
  // ... and 30 min of 30 errors a minute does it: 1h = 30*30 + 30*10 = 1200 / 60000 = 20x.
  window_store paging{cfg};
  three_days(paging, [](timestamp back) -> std::uint64_t {
    return back <= 30 ? 30 : back <= 60 ? 10 : back <= 360 ? 2 : 1;
  });
  store_query q3;
  q3.add(checkout_key(), paging);
  const auto s3 = evaluate(checkout_slo(), q3, now);
  CHECK(condition(s3, "page-1h").long_burn == Approx(20.0));
  CHECK(condition(s3, "page-1h").short_burn == Approx(30.0));
  CHECK(condition(s3, "page-1h").state == condition_state::firing);
  // 6h: 900 + 300 + 300*2 = 1800 / 360000 = 5x (< 6x): page-6h ok; 30m at 30x.
  CHECK(condition(s3, "page-6h").long_burn == Approx(5.0));
  CHECK(condition(s3, "page-6h").state == condition_state::ok);
  CHECK(*s3.severity == severity::high); // the page wins over the ticket
}

TEST_CASE("second-scale pair: the open window counts, as data arrives", "[burn_rate][windows]") {
  // target 0.9 (10 % budget); fires at 2x over 10 s and 2 s. 10 calls a second for 10 s, one
  // error among them each second (1x), then a burst of 40 errors in the still-open second.
  window_config cfg;
  cfg.lateness = sec;
  auto d = checkout_slo();
  d.target = 0.9;
  d.window = 60 * sec;
  d.conditions = {{"fast", severity::high, 10 * sec, 2 * sec, 2}};
  window_store store{cfg};
  const timestamp t0 = now;
  for (int i = 0; i < 10; ++i)
    store.add(minute_of_traffic(t0 + i * sec + 500 * nanos_per_milli, 10, 1));
  store_query q;
  q.add(checkout_key(), store);
  auto s = evaluate(d, q, t0 + 10 * sec);
  CHECK(condition(s, "fast").long_burn == Approx(1.0));
  CHECK(condition(s, "fast").short_burn == Approx(1.0));
  CHECK(s.health == slo_health::healthy);

  // Burst at t0+10.2 s, evaluated at t0+10.3 s: the ranges widen to the open second.
  store.add(minute_of_traffic(t0 + 10 * sec + 200 * nanos_per_milli, 40, 40));
  s = evaluate(d, q, t0 + 10 * sec + 300 * nanos_per_milli);
  // 10 s window [t0+0.3 s, t0+10.3 s) widened to [t0, t0+11 s): 100 + 40 calls, 10 + 40 errors.
  CHECK(condition(s, "fast").long_burn == Approx((50.0 / 140) / 0.1));
  // 2 s window [t0+8.3 s, ..) widened to [t0+8 s, t0+11 s): 20 + 40 calls, 2 + 40 errors.
  CHECK(condition(s, "fast").short_burn == Approx((42.0 / 60) / 0.1));
  CHECK(condition(s, "fast").state == condition_state::firing);
  CHECK(s.breaching);
}
