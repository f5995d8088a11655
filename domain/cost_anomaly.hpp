// Cost-anomaly detection on one cost series (per tenant, or per tenant and artifact): an EWMA
// baseline with a deviation threshold and a minimum volume. Pure; one detector per series,
// owned by the cost detector actor, fed one value per closed window (e.g. cost per minute).
//
// Method:
//  - baseline mean m and variance s^2 are exponentially weighted (alpha) over past windows;
//  - the first `warmup` windows only teach the baseline;
//  - a window is anomalous when value >= min_volume, value >= m + deviation * s and
//    value >= m * min_ratio (the ratio keeps a near-constant series with tiny s quiet);
//  - detection is edge-triggered: one anomaly per excursion; anomalous windows do not teach the
//    baseline (a spike must not become normal), until the excursion has lasted `relearn_after`
//    windows: then the new level is adopted as the baseline and the excursion ends.
#pragma once

#include "domain/time.hpp"

#include <cstdint>
#include <optional>

namespace tocsin::domain {

struct cost_detector_config {
  double alpha = 0.3;
  double deviation = 3;
  double min_ratio = 1.5;
  double min_volume = 1;
  std::uint32_t warmup = 5;
  std::uint32_t relearn_after = 30;
};

struct cost_anomaly {
  timestamp window_start = 0;
  double value = 0;
  double baseline = 0; // mean before this window
  double stddev = 0;
  double ratio = 0;    // value / baseline (0 when the baseline is 0)
};

/// What a restart needs to carry on where the detector stopped.
struct cost_detector_state {
  double mean = 0;
  double variance = 0;
  std::uint32_t seen = 0;
  std::uint32_t anomalous_for = 0; // windows of the current excursion; 0 = none
  timestamp last_window = 0;
};

class cost_detector {
public:
  explicit cost_detector(cost_detector_config cfg = {}, cost_detector_state st = {})
      : cfg_(cfg), st_(st) {}

  /// One closed window's total. Windows at or before the last one seen are ignored (a replay
  /// after restart must not teach the baseline twice).
  std::optional<cost_anomaly> observe(timestamp window_start, double value);

  const cost_detector_state& state() const { return st_; }

private:
  void learn(double value);

  cost_detector_config cfg_;
  cost_detector_state st_;
};

} // namespace tocsin::domain
