#include "actors/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace tocsin::actors {

std::chrono::milliseconds jittered_backoff(std::uint32_t attempts, std::chrono::milliseconds base,
                                           std::chrono::milliseconds max, long retry_after_s,
                                           std::mt19937_64& rng) {
  const double b = static_cast<double>(base.count());
  const double cap = static_cast<double>(max.count());
  const double exp = std::min<double>(attempts == 0 ? 0 : attempts - 1, 62);
  const auto ceiling = static_cast<std::int64_t>(std::min(cap, b * std::pow(2.0, exp)));
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
  std::int64_t delay = pick(rng);
  if (retry_after_s > 0)
    delay = std::max<std::int64_t>(delay,
                                   std::min<std::int64_t>(retry_after_s * 1000, max.count()));
  return std::chrono::milliseconds(delay);
}

} // namespace tocsin::actors
