// Cumulative -> delta: see the rules in the header.
#include "domain/temporality.hpp"

namespace tocsin::domain {

delta_result cumulative_tracker::next(const cumulative_point& p) {
  if (!previous_) {
    previous_ = p;
    return {delta_outcome::baseline, std::nullopt};
  }
  const cumulative_point prev = *previous_;
  if (p.time <= prev.time) return {delta_outcome::ignored, std::nullopt};
  previous_ = p;
  if (p.value < prev.value || p.start_time != prev.start_time)
    return {delta_outcome::reset, p.value};
  return {delta_outcome::delta, p.value - prev.value};
}

} // namespace tocsin::domain
