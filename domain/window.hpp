// Epoch-aligned windows of one series: open windows accepting (late) data, closed windows kept
// at several resolutions, range sums for SLOs. Pure; one window_store per series, owned by the
// aggregator shard holding that series (not thread-safe). Event time only: nothing reads a clock.
//
// Watermark: per series, = max event time this store has seen, which the owning shard may push
// forward (`advance`) with its own watermark so that windows of an idle series still close and
// its SLOs stay fresh. An observation older than watermark - lateness is late: counted, dropped.
// Window [s, s+res) closes once watermark - lateness >= s + res. Hence every accepted observation
// lands in a window that is still open, and the same multiset of observations, in any order and
// any batch split whose spread stays within the lateness, yields identical windows.
#pragma once

#include "domain/error.hpp"
#include "domain/time.hpp"
#include "domain/window_value.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

namespace tocsin::domain {

using duration = std::int64_t; // nanoseconds

/// Largest multiple of res that is <= t (floor, also for negative t).
timestamp align_down(timestamp t, duration res);
timestamp align_up(timestamp t, duration res);

/// One retention tier: closed windows of `resolution`, kept while younger than `retention`
/// (measured back from the closed frontier, in event time).
struct tier {
  duration resolution = nanos_per_second;
  duration retention = 3600 * nanos_per_second;
};

struct window_config {
  /// Finest first. Default: 1 s for an hour, 1 min for a day, 1 h for 30 days.
  std::vector<tier> tiers = {{nanos_per_second, 3600 * nanos_per_second},
                             {60 * nanos_per_second, 86400 * nanos_per_second},
                             {3600 * nanos_per_second, 30 * 86400 * nanos_per_second}};
  // Above the 5 s an OpenTelemetry SDK batch processor waits by default before exporting.
  duration lateness = 10 * nanos_per_second;
  std::size_t max_exemplars = 4;
  duration resolution() const { return tiers.front().resolution; }
};

/// invalid_argument naming the field at fault, or ok: at least one tier; each resolution > 0
/// and a multiple of the previous one; retention >= its own resolution, increasing, and
/// >= the next tier's resolution (roll-ups are rebuilt from the next finer tier); lateness >= 0.
error validate(const window_config& c);

struct closed_window {
  timestamp start = 0;
  duration resolution = 0;
  window_value value;
  friend bool operator==(const closed_window& a, const closed_window& b) {
    return a.start == b.start && a.resolution == b.resolution && a.value == b.value;
  }
};

/// [from, to): event time for which data is known to be missing (e.g. the open window lost by
/// a crash).
struct gap {
  timestamp from = 0;
  timestamp to = 0;
  friend bool operator==(const gap& a, const gap& b) { return a.from == b.from && a.to == b.to; }
};

/// Result of a range query. `complete` is false when part of the range is a gap or was
/// already dropped by retention; time before the store began tracking counts as empty, not
/// missing. Data newer than `closed_until` comes from open windows and may still grow.
struct range_sum {
  window_value value;
  bool complete = true;
  bool known = true;                 // false: the store has seen nothing yet
  timestamp closed_until = std::numeric_limits<timestamp>::min();
  timestamp covered_from = 0;        // the range as widened to whole windows
  timestamp covered_to = 0;
};

/// What persistence keeps besides the closed windows themselves (see window_codec.hpp).
struct store_meta {
  timestamp closed_until = 0;
  timestamp tracked_since = 0;
  std::uint64_t late = 0;
  std::vector<gap> gaps;
  friend bool operator==(const store_meta& a, const store_meta& b) {
    return a.closed_until == b.closed_until && a.tracked_since == b.tracked_since
           && a.late == b.late && a.gaps == b.gaps;
  }
};

class window_store {
public:
  /// `cfg` must pass validate().
  explicit window_store(window_config cfg = {});

  /// A store rebuilt after a restart from persisted closed windows (any tier) and meta. The
  /// open windows were lost: [meta.closed_until, align_up(resumed_at)) becomes a gap, so ranges
  /// touching it report incomplete (stale), never healthy. Partial roll-ups are recomputed.
  static window_store restore(window_config cfg, const std::vector<closed_window>& windows,
                              const store_meta& meta, timestamp resumed_at);

  /// false when the observation was late (counted in late()).
  bool add(const observation& o);
  /// Same as add() one by one; returns how many were late.
  std::size_t add_batch(const std::vector<observation>& batch);
  /// Moves the watermark forward (never back), closing windows; for the shard's watermark.
  void advance(timestamp watermark);

  bool started() const { return started_; }
  timestamp watermark() const { return watermark_; }
  /// Every window ending at or before this is closed (min() before the first observation).
  timestamp closed_until() const { return closed_until_; }
  timestamp tracked_since() const { return tracked_since_; }
  std::uint64_t late() const { return late_; }
  const std::vector<gap>& gaps() const { return gaps_; }
  const window_config& config() const { return cfg_; }
  store_meta meta() const;

  const std::map<timestamp, window_value>& open_windows() const { return open_; }
  /// Closed windows of tier i (the coarser tiers also hold the roll-up in progress).
  const std::map<timestamp, window_value>& tier_windows(std::size_t i) const {
    return tiers_[i].windows;
  }

  /// Windows closed (finest tier) or completed (coarser tiers) since the last call, in closing
  /// order: what persistence stores and MetricAggregated reports. The owner drains it.
  std::vector<closed_window> take_closed();

  /// Sum over [from, to), widened outward to whole windows, using the finest tier that still
  /// holds each part of the range, plus open windows for the part after closed_until().
  range_sum sum(timestamp from, timestamp to) const;

private:
  struct tier_state {
    std::map<timestamp, window_value> windows;
    timestamp kept_from = std::numeric_limits<timestamp>::min(); // older ones were dropped
  };

  void close_through(timestamp frontier);
  void prune();
  void rebuild_rollups();
  bool hits_gap(timestamp from, timestamp to) const;

  window_config cfg_;
  bool started_ = false;
  timestamp watermark_ = std::numeric_limits<timestamp>::min();
  timestamp closed_until_ = std::numeric_limits<timestamp>::min();
  timestamp tracked_since_ = std::numeric_limits<timestamp>::min();
  std::uint64_t late_ = 0;
  std::map<timestamp, window_value> open_;
  std::vector<tier_state> tiers_;
  std::vector<gap> gaps_;
  std::vector<closed_window> pending_;
};

} // namespace tocsin::domain
