// SLO definitions and ratio math: defaults, validation naming the field, SLI, burn rate, error
// budget, and good/bad/total counted over span, metric and log series.
#include "domain/slo.hpp"
#include "support/checkout_slo.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string>

using namespace tocsin::domain;
using tocsin::test::checkout_key;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp minute = 60 * sec;
constexpr timestamp hour = 60 * minute;
constexpr timestamp t0 = 472'222 * 3600 * sec;

// The shared checkout SLO, named as an operator would name it.
slo_definition checkout_slo() {
  auto d = tocsin::test::checkout_slo();
  d.name = "checkout availability";
  return d;
}

std::string refusal(const std::function<void(slo_definition&)>& edit) {
  auto d = checkout_slo();
  edit(d);
  auto e = validate(d);
  REQUIRE(e.code == errc::invalid_argument);
  return e.message;
}

} // namespace

TEST_CASE("default alerting is the four multi-window burn-rate pairs", "[slo]") {
  const auto c = default_conditions();
  REQUIRE(c.size() == 4);
  CHECK(c[0] == alert_condition{"page-1h", severity::high, hour, 5 * minute, 14.4});
  CHECK(c[1] == alert_condition{"page-6h", severity::high, 6 * hour, 30 * minute, 6});
  CHECK(c[2] == alert_condition{"ticket-1d", severity::warning, 24 * hour, 2 * hour, 3});
  CHECK(c[3] == alert_condition{"ticket-3d", severity::warning, 72 * hour, 6 * hour, 1});
  auto d = checkout_slo();
  CHECK(effective_conditions(d) == c);
  d.conditions = {{"fast", severity::critical, 30 * sec, 5 * sec, 10}};
  CHECK(effective_conditions(d) == d.conditions);
  CHECK(parse_alert_severity("page") == severity::high);
  CHECK(parse_alert_severity("ticket") == severity::warning);
  CHECK(parse_alert_severity("critical") == severity::critical);
  CHECK_FALSE(parse_alert_severity("sms"));
}

TEST_CASE("invalid SLO definitions are refused naming the field", "[slo]") {
  CHECK(validate(checkout_slo()).code == errc::ok);
  CHECK(refusal([](auto& d) { d.target = 1; }) == "target: must be in (0, 1)");
  CHECK(refusal([](auto& d) { d.target = 0; }) == "target: must be in (0, 1)");
  CHECK(refusal([](auto& d) { d.window = 0; }) == "window: must be positive");
  CHECK(refusal([](auto& d) { d.ratio.good = d.ratio.total; })
        == "ratio: exactly one of good and bad is required");
  CHECK(refusal([](auto& d) { d.ratio.bad->what = measure::sum; })
        == "ratio.bad.measure: sum does not apply to a span series");
  CHECK(refusal([](auto& d) { d.ratio.total.key.tenant = "other"; })
        == "ratio.total.tenant: must be the SLO's tenant");
  CHECK(refusal([](auto& d) {
          d.conditions = {{"a", severity::high, minute, 2 * minute, 2}};
        }) == "conditions[0].short_window: must not be longer than long_window");
  CHECK(refusal([](auto& d) {
          d.conditions = {{"a", severity::high, minute, sec, 2},
                          {"a", severity::high, minute, sec, 3}};
        }) == "conditions[1].name: duplicate 'a'");
  CHECK(refusal([](auto& d) { d.conditions = {{"a", severity::high, minute, sec, 0}}; })
        == "conditions[0].threshold: must be a positive number");
}

TEST_CASE("SLI, burn rate and error budget by hand", "[slo]") {
  CHECK(burn_rate(0, 0, 0.999) == 0);                    // no traffic burns nothing
  CHECK(burn_rate(1, 1000, 0.999) == Approx(1.0));       // exactly on budget
  CHECK(burn_rate(144, 10000, 0.999) == Approx(14.4));   // 1.44 % errors
  CHECK(burn_rate(5, 100, 0.99) == Approx(5.0));
  CHECK(budget_remaining(0, 1000, 0.999) == 1);
  CHECK(budget_remaining(1, 2000, 0.999) == Approx(0.5)); // half the budget spent
  CHECK(budget_remaining(3, 1000, 0.999) == Approx(-2));  // overspent, unclamped here
  ratio_counts c;
  c.good = 999;
  c.bad = 1;
  c.total = 1000;
  CHECK(sli(c) == Approx(0.999));
  CHECK_FALSE(sli(ratio_counts{}));
}

TEST_CASE("ratios count span errors, metric sums and log records", "[slo]") {
  window_config cfg;
  cfg.lateness = sec;
  window_store spans{cfg}, good{cfg}, total{cfg}, errors_log{cfg}, all_log{cfg};
  for (int i = 0; i < 100; ++i) spans.add(span_observation(t0 + i * sec / 10, 1000, i % 20 == 0));
  good.add(metric_observation(t0, 97.5));
  total.add(metric_observation(t0, 100));
  for (int i = 0; i < 3; ++i) errors_log.add(log_observation(t0 + i));
  for (int i = 0; i < 30; ++i) all_log.add(log_observation(t0 + i));

  store_query q;
  const auto good_key = metric_series("acme", "requests.good", {});
  const auto total_key = metric_series("acme", "requests", {});
  const auto err_key = log_series("acme", "checkout", log_level::error);
  const auto info_key = log_series("acme", "checkout", log_level::info);
  q.add(checkout_key(), spans);
  q.add(good_key, good);
  q.add(total_key, total);
  q.add(err_key, errors_log);
  q.add(info_key, all_log);

  auto d = checkout_slo();
  auto c = count_ratio(d.ratio, q, t0, t0 + 10 * sec);
  CHECK(c.total == 100);
  CHECK(c.bad == 5);
  CHECK(c.good == 95);
  CHECK(c.known);

  ratio_metric m;
  m.good = series_selector{good_key, measure::sum};
  m.total = series_selector{total_key, measure::sum};
  c = count_ratio(m, q, t0, t0 + sec);
  CHECK(c.good == Approx(97.5));
  CHECK(c.bad == Approx(2.5));

  ratio_metric l;
  l.bad = series_selector{err_key, measure::count};
  l.total = series_selector{info_key, measure::count};
  c = count_ratio(l, q, t0, t0 + sec);
  CHECK(c.bad == 3);
  CHECK(c.total == 30);

  ratio_metric missing;
  missing.bad = series_selector{metric_series("acme", "nope", {}), measure::sum};
  missing.total = series_selector{total_key, measure::sum};
  c = count_ratio(missing, q, t0, t0 + sec);
  CHECK_FALSE(c.known);
  CHECK_FALSE(c.complete);
}
