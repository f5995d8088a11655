// Decoded telemetry (spans, metric points, log records) -> observations keyed by series, ready to
// fold into window stores (series_table.hpp). Pure functions; any thread may call them
// concurrently: the aggregation front end runs them on the ingesting (gRPC/HTTP) threads so that
// the shards only fold.
#pragma once

#include "domain/series.hpp"
#include "domain/telemetry.hpp"
#include "domain/window_value.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::domain {

/// A cumulative metric point: its delta depends on the previous point of the same series, so
/// the shard owning the series converts it (cumulative_tracker, temporality.hpp).
struct cumulative_sample {
  timestamp start_time = 0;
  timestamp time = 0;
  double value = 0;        // sum: the running total; histogram: the running count
  double sum = 0;          // histogram: the running sum
  bool histogram = false;
  friend bool operator==(const cumulative_sample& a, const cumulative_sample& b) {
    return a.start_time == b.start_time && a.time == b.time && a.value == b.value
           && a.sum == b.sum && a.histogram == b.histogram;
  }
};

/// Everything one request brought for one series.
struct keyed_observations {
  series_key key;
  std::uint64_t hash = 0;  // series_hash(key): picks the shard and the LMDB prefix
  /// Who sent the cumulative points (resource service.name): two senders of the same metric
  /// series keep separate running totals, so their trackers must be separate too.
  std::string source;
  std::vector<observation> observations;
  std::vector<cumulative_sample> cumulative;
  std::size_t size() const { return observations.size() + cumulative.size(); }
};

/// One request's telemetry as observations, plus what the caller reports or forwards.
struct telemetry_items {
  std::vector<keyed_observations> series;
  std::uint64_t accepted = 0;  // spans / points / records taken (skipped no-value points too)
  std::uint64_t rejected = 0;  // refused one by one (OTLP partial_success)
  std::string rejected_reason; // empty when rejected == 0
  /// Runtime signals: spans and log records with a feedback.category, and error spans with an
  /// artifact.id (folded per artifact and window), kept as they came (input of the feedback
  /// loop, DESIGN.md §7).
  std::vector<span_record> signal_spans;
  std::vector<log_record> signal_logs;
  /// Observations + cumulative samples over all series: what the shards will fold.
  std::uint64_t items() const;
};

inline constexpr std::string_view unsupported_points_reason =
    "exponential histograms and summaries are not supported";
inline constexpr std::string_view unspecified_temporality_reason =
    "sums and histograms need a delta or cumulative temporality";
inline constexpr std::string_view untimed_record_reason = "log records need a time";

/// Spans -> RED observations on span_series(tenant, service, name, kind): at = end, latency =
/// end - start, errors = status ERROR; error spans carry an exemplar (trace/span ids in hex,
/// artifact/agent/skill ids, value = latency in ms). Spans of a batch are grouped by
/// (service, name, kind), one key per group. Appends to `out` (reused buffers stay allocated).
void observe_spans(const std::string& tenant, std::vector<span_batch>&& batches,
                   telemetry_items& out);
/// Gauges and delta sums -> metric_observation; delta histograms -> calls = count, sum = sum;
/// cumulative sums and histograms -> cumulative samples for the shard's trackers. Points
/// without a value (NO_RECORDED_VALUE) are skipped; unsupported points are rejected.
void observe_metrics(const std::string& tenant, std::vector<metric_batch>&& batches,
                     telemetry_items& out);
/// Log records -> log_series(tenant, service, level_of(severity)); at = time, or observed time
/// when time is 0; records with a trace id offer an exemplar.
void observe_logs(const std::string& tenant, std::vector<log_batch>&& batches,
                  telemetry_items& out);

telemetry_items observe_spans(const std::string& tenant, std::vector<span_batch> batches);
telemetry_items observe_metrics(const std::string& tenant, std::vector<metric_batch> batches);
telemetry_items observe_logs(const std::string& tenant, std::vector<log_batch> batches);

} // namespace tocsin::domain
