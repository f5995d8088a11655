#include "domain/cost_anomaly.hpp"

#include <cmath>

namespace tocsin::domain {

void cost_detector::learn(double value) {
  if (st_.seen == 0) {
    st_.mean = value;
    st_.variance = 0;
  } else {
    // West's incremental EWMA variance: stays consistent with the mean's weighting.
    const double diff = value - st_.mean;
    const double incr = cfg_.alpha * diff;
    st_.mean += incr;
    st_.variance = (1 - cfg_.alpha) * (st_.variance + diff * incr);
  }
  ++st_.seen;
}

std::optional<cost_anomaly> cost_detector::observe(timestamp window_start, double value) {
  if (st_.seen > 0 && window_start <= st_.last_window)
    return std::nullopt;
  st_.last_window = window_start;
  if (st_.seen < cfg_.warmup) {
    learn(value);
    return std::nullopt;
  }
  const double sd = std::sqrt(st_.variance);
  const bool anomalous = value >= cfg_.min_volume && value >= st_.mean + cfg_.deviation * sd &&
                         value >= st_.mean * cfg_.min_ratio;
  if (!anomalous) {
    st_.anomalous_for = 0;
    learn(value);
    return std::nullopt;
  }
  if (++st_.anomalous_for >= cfg_.relearn_after) { // a lasting new level: adopt it
    st_.mean = value;
    st_.variance = 0;
    st_.anomalous_for = 0;
    return std::nullopt;
  }
  if (st_.anomalous_for > 1)
    return std::nullopt; // still the same excursion
  cost_anomaly a;
  a.window_start = window_start;
  a.value = value;
  a.baseline = st_.mean;
  a.stddev = sd;
  a.ratio = st_.mean > 0 ? value / st_.mean : 0;
  return a;
}

} // namespace tocsin::domain
