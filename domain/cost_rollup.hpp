// Sums a cost series' closed aggregation windows (e.g. 1 s) into detector windows (e.g. 1 m)
// and hands each detector window out once, when the caller's frontier has passed its end (all
// finer windows inside it are closed by then). Pure, not thread-safe; one per cost series,
// owned by the cost detector actor, persisted with the series' detector state.
//
// Windows without any cost data are never handed out: the baseline learns the cost of windows
// with spend, and a series that falls silent neither lowers it nor fires.
#pragma once

#include "domain/time.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

namespace tocsin::domain {

struct cost_rollup_state {
  std::map<timestamp, double> open;                          // detector window start -> sum
  timestamp closed_until = std::numeric_limits<timestamp>::min(); // handed out up to here
  friend bool operator==(const cost_rollup_state& a, const cost_rollup_state& b) {
    return a.open == b.open && a.closed_until == b.closed_until;
  }
};

class cost_rollup {
public:
  /// `window` > 0 (nanoseconds).
  explicit cost_rollup(std::int64_t window, cost_rollup_state st = {})
      : window_(window), st_(std::move(st)) {}

  /// Adds the value of a finer window starting at `start` to its detector window; false (and
  /// nothing added) when that detector window was already handed out: late data.
  bool add(timestamp start, double value);

  /// The detector windows ending at or before `frontier`, oldest first, as (start, sum).
  std::vector<std::pair<timestamp, double>> close(timestamp frontier);

  std::int64_t window() const { return window_; }
  const cost_rollup_state& state() const { return st_; }

private:
  std::int64_t window_;
  cost_rollup_state st_;
};

} // namespace tocsin::domain
