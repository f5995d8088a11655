// Cumulative -> delta conversion of OTLP metric sums, one tracker per series. Pure; owned by the
// aggregator shard of the series (not thread-safe).
//
// Rules (the collector's cumulativetodelta processor, simplified):
//  - the first point of a series is a baseline only: the counter may have run for a long time
//    before we saw it, so its value cannot be attributed to any window;
//  - a reset (value decreased, or start_time changed) means the counter restarted from zero at
//    start_time: the delta is the new value itself;
//  - otherwise delta = value - previous value;
//  - a point not newer than the previous one (a retry or reordering) is ignored: cumulative
//    points carry their own running total, so a late one adds nothing the next one lacks.
// Delta points bypass the tracker and go to the window as they are.
#pragma once

#include "domain/time.hpp"

#include <optional>

namespace tocsin::domain {

struct cumulative_point {
  timestamp start_time = 0; // OTLP start_time_unix_nano (0: unknown)
  timestamp time = 0;       // OTLP time_unix_nano
  double value = 0;
};

enum class delta_outcome { baseline, delta, reset, ignored };

struct delta_result {
  delta_outcome outcome = delta_outcome::baseline;
  std::optional<double> delta; // set for delta and reset
};

class cumulative_tracker {
public:
  delta_result next(const cumulative_point& p);
  const std::optional<cumulative_point>& previous() const { return previous_; }

private:
  std::optional<cumulative_point> previous_;
};

} // namespace tocsin::domain
