// The series of one aggregator shard: a window_store and cumulative trackers per series, keyed
// by series hash (collisions of different keys are told apart by the key). Folds keyed
// observations, advances watermarks, drains what persistence must write (closed windows, store
// meta, windows past retention) and answers range sums. Pure; owned by one shard actor (or a
// benchmark), not thread-safe. Persisted state comes in through a series_source the first time
// a series is touched (lazy restore).
#pragma once

#include "domain/series.hpp"
#include "domain/telemetry_observations.hpp"
#include "domain/temporality.hpp"
#include "domain/window.hpp"

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tocsin::domain {

/// What persistence holds for one series.
struct persisted_series {
  bool found = false;             // false: never persisted (windows and meta are empty)
  std::uint8_t slot = 0;          // among keys sharing the 64-bit hash; the one to use
  std::vector<closed_window> windows; // any tier, each tier in start order
  store_meta meta;
};

/// Where a table finds persisted series (implemented over LMDB by the shard).
class series_source {
public:
  virtual ~series_source() = default;
  virtual persisted_series load(const series_key& key, std::uint64_t hash) = 0;
};

/// Running totals of one sender's cumulative points (per series and source).
struct cumulative_state {
  cumulative_tracker tracker; // on the value (sums) or the count (histograms)
  double previous_sum = 0;    // histograms: the sum that went with the tracker's previous point
};

struct series_entry {
  series_key key;
  std::uint64_t hash = 0;
  std::uint8_t slot = 0;
  window_store windows;
  std::map<std::string, cumulative_state> cumulative; // by source
  // Persistence bookkeeping (see series_table::drain).
  bool key_persisted = false;
  timestamp meta_closed_until = std::numeric_limits<timestamp>::min();
  std::vector<std::deque<timestamp>> persisted; // per tier: starts handed out, oldest first
};

/// One window that left retention: its persisted record can go.
struct expired_window {
  duration resolution = 0;
  timestamp start = 0;
  friend bool operator==(const expired_window& a, const expired_window& b) {
    return a.resolution == b.resolution && a.start == b.start;
  }
};

/// What persistence must write for one series. `entry` stays valid until the table changes.
struct series_changes {
  const series_entry* entry = nullptr;
  bool write_key = false;              // first write of this series: store its canonical key
  std::vector<closed_window> closed;   // newly closed windows (all tiers)
  std::optional<store_meta> meta;     // set whenever anything else is written, or the frontier
                                       // moved far enough (see drain)
  std::vector<expired_window> expired;
};

struct fold_result {
  series_entry* entry = nullptr;
  std::size_t folded = 0; // observations and converted cumulative points accepted
  std::size_t late = 0;   // dropped as older than watermark - lateness
};

class series_table {
public:
  /// `cfg` must pass validate(); `source` may be null (nothing persisted) and must outlive us.
  explicit series_table(window_config cfg, series_source* source = nullptr);

  /// The series if the table holds it; never loads.
  series_entry* find(const series_key& key, std::uint64_t hash);
  /// find, else restore from the source (at `now`: the lost open window becomes a gap), else a
  /// new empty series (not started: it answers known = false until data arrives).
  series_entry& touch(const series_key& key, std::uint64_t hash, timestamp now);

  /// Folds everything of `item` into its series (touching it). Cumulative samples go through
  /// the series' tracker of item.source, in time order.
  fold_result fold(keyed_observations& item, timestamp now);

  /// Range sum of a series (touching it, so a restored series answers from its history).
  range_sum sum(const series_key& key, std::uint64_t hash, timestamp from, timestamp to,
                timestamp now);

  /// Moves every started series' watermark to `now` (idle series close their windows).
  void advance(timestamp now);

  /// Hands out what persistence must write and forgets it: closed windows, store meta (for a
  /// new or just restored series — the restart's gap becomes durable —, with closed or expired
  /// windows, or when the closed frontier moved by >= meta_every since the meta last handed
  /// out), and persisted windows that fell out of their tier's retention. Series never started
  /// are skipped (nothing to persist).
  std::vector<series_changes> drain();

  std::size_t size() const { return size_; }
  const window_config& config() const { return cfg_; }
  /// Closed windows (all tiers) handed out by drain so far.
  std::uint64_t windows_closed() const { return windows_closed_; }

  /// Frontier moves of an otherwise idle series are persisted this coarsely: after a restart,
  /// at most this much of truly empty history is reported as a gap.
  duration meta_every() const { return 10 * cfg_.resolution(); }

private:
  series_entry& insert(const series_key& key, std::uint64_t hash, std::uint8_t slot);
  std::size_t fold_cumulative(series_entry& e, keyed_observations& item);
  void expire(series_entry& e, series_changes& c) const;

  window_config cfg_;
  series_source* source_;
  std::unordered_map<std::uint64_t, std::vector<std::unique_ptr<series_entry>>> by_hash_;
  std::size_t size_ = 0;
  std::uint64_t windows_closed_ = 0;
};

} // namespace tocsin::domain
