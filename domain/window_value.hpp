// What one window of one series holds (RED counters, latency histogram, a few exemplars) and
// the observations that feed it. Pure, thread-safe values; built by aggregator shards, read by
// SLO evaluation. Everything is integer arithmetic so that merging is exactly commutative and
// associative: any order of the same observations gives bit-identical windows.
#pragma once

#include "domain/incident_types.hpp"
#include "domain/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace tocsin::domain {

/// Upper bounds (inclusive, as Prometheus `le`) of the spanmetrics connector's default latency
/// histogram; one more bucket beyond the last holds the overflow.
inline constexpr std::array<timestamp, 16> span_latency_bounds = {
    2 * nanos_per_milli,    4 * nanos_per_milli,    6 * nanos_per_milli,
    8 * nanos_per_milli,    10 * nanos_per_milli,   50 * nanos_per_milli,
    100 * nanos_per_milli,  200 * nanos_per_milli,  400 * nanos_per_milli,
    800 * nanos_per_milli,  1000 * nanos_per_milli, 1400 * nanos_per_milli,
    2000 * nanos_per_milli, 5000 * nanos_per_milli, 10000 * nanos_per_milli,
    15000 * nanos_per_milli};
inline constexpr std::size_t span_bucket_count = span_latency_bounds.size() + 1;

/// Bucket of a span latency (ns; negative clock skew counts as 0).
std::size_t latency_bucket(timestamp latency);

/// Metric values are accumulated in fixed point (millionths) because double addition is not
/// associative and windows must not depend on arrival order. Range: ±9.2e12 units per window.
inline constexpr double metric_scale = 1e6;
std::int64_t to_fixed(double value);
double from_fixed(std::int64_t fixed);

/// One input to a window: a span, a metric delta or gauge point, or a log record.
struct observation {
  timestamp at = 0;            // event time: span end, point time, log record time
  std::uint64_t calls = 1;     // events this stands for (spans, points, records)
  std::uint64_t errors = 0;    // spans with status ERROR
  std::int64_t sum = 0;        // span: latency ns; metric: value, fixed point
  std::optional<std::size_t> bucket; // span latency bucket
  std::optional<exemplar> sample;    // candidate exemplar (see window_value::exemplars)
};

/// A span ending at `end` after `latency` ns. Only error spans offer their exemplar: the
/// window's exemplars are meant to explain a breach.
observation span_observation(timestamp end, timestamp latency, bool error,
                             std::optional<exemplar> sample = std::nullopt);
/// A delta-temporality sum point or a gauge point (`calls` counts points).
observation metric_observation(timestamp at, double value,
                               std::optional<exemplar> sample = std::nullopt);
observation log_observation(timestamp at, std::optional<exemplar> sample = std::nullopt);

/// Exemplar ranking: the window keeps the lowest by (trace_id, span_id, at, value, ids), a
/// total order, so the choice depends on the set of candidates only, never on arrival.
bool exemplar_before(const exemplar& a, const exemplar& b);

/// The accumulated content of one window (of any resolution).
struct window_value {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  std::int64_t sum = 0;
  std::vector<std::uint64_t> buckets; // empty until a span arrives, then span_bucket_count
  std::vector<exemplar> exemplars;    // sorted by exemplar_before, at most the configured N

  bool empty() const { return calls == 0 && errors == 0 && sum == 0 && exemplars.empty(); }
  void add(const observation& o, std::size_t max_exemplars);
  void merge(const window_value& other, std::size_t max_exemplars);

  friend bool operator==(const window_value& a, const window_value& b) {
    return a.calls == b.calls && a.errors == b.errors && a.sum == b.sum && a.buckets == b.buckets
           && a.exemplars == b.exemplars;
  }
  friend bool operator!=(const window_value& a, const window_value& b) { return !(a == b); }
};

/// Calls whose latency fell in buckets with upper bound <= `bound` (must be one of
/// span_latency_bounds; nullopt otherwise).
std::optional<std::uint64_t> calls_within(const window_value& v, timestamp bound);

} // namespace tocsin::domain
