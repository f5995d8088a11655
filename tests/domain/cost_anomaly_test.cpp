// Cost anomalies: warm-up, threshold, minimum volume, edge-triggering, relearning a new level.
#include "domain/cost_anomaly.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;

namespace {

constexpr timestamp minute = 60 * nanos_per_second;

// Feeds a steady baseline with small noise: 10, 11, 9, 10, 11, 9, ...
cost_detector warmed(cost_detector_config cfg = {}, int windows = 20) {
  cost_detector d{cfg};
  const double values[] = {10, 11, 9};
  for (int i = 0; i < windows; ++i)
    REQUIRE_FALSE(d.observe(i * minute, values[i % 3]));
  return d;
}

} // namespace

TEST_CASE("a spike well above the baseline is one anomaly, not one per window") {
  auto d = warmed();
  auto a = d.observe(20 * minute, 40);
  REQUIRE(a);
  CHECK(a->window_start == 20 * minute);
  CHECK(a->value == 40);
  CHECK(a->baseline == Approx(10).margin(1));
  CHECK(a->ratio == Approx(4).margin(0.5));
  CHECK_FALSE(d.observe(21 * minute, 45)); // the same excursion
  CHECK_FALSE(d.observe(22 * minute, 10)); // back to normal
  CHECK(d.observe(23 * minute, 40));       // a new excursion
}

TEST_CASE("normal variation, warm-up and tiny volumes raise nothing") {
  auto d = warmed();
  CHECK_FALSE(d.observe(20 * minute, 12));
  cost_detector fresh;
  for (int i = 0; i < 4; ++i)
    CHECK_FALSE(fresh.observe(i * minute, i == 3 ? 1000 : 1)); // warm-up only learns
  cost_detector_config small;
  small.min_volume = 100;
  auto s = warmed(small);
  CHECK_FALSE(s.observe(20 * minute, 50)); // 5x, but below the minimum volume
}

TEST_CASE("anomalous windows do not teach the baseline until the new level lasts") {
  cost_detector_config cfg;
  cfg.relearn_after = 3;
  auto d = warmed(cfg);
  REQUIRE(d.observe(20 * minute, 100));
  const double before = d.state().mean;
  CHECK_FALSE(d.observe(21 * minute, 100));
  CHECK(d.state().mean == before);
  CHECK_FALSE(d.observe(22 * minute, 100)); // third window: the level is adopted
  CHECK(d.state().mean == Approx(100));
  CHECK_FALSE(d.observe(23 * minute, 100));
}

TEST_CASE("a window seen before is ignored, so a replay after restart changes nothing") {
  auto d = warmed();
  const auto st = d.state();
  CHECK_FALSE(d.observe(5 * minute, 1000));
  CHECK(d.state().mean == st.mean);
  cost_detector restored{{}, st};
  CHECK(restored.observe(20 * minute, 40));
}
