// Series identity: the key a span, metric point or log record aggregates under, its canonical
// encoding and stable 64-bit hash (shard choice must agree across nodes and restarts, hence
// FNV-1a, never std::hash). Pure, thread-safe; used by the gateway, aggregator shards and SLOs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::domain {

enum class series_kind : std::uint8_t { span, metric, log };

/// Span kinds are kept as OTLP Span.SpanKind numbers (the constants are domain::span_kind::* in
/// telemetry.hpp): 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
using span_kind_number = std::int32_t;

/// OTLP log SeverityNumber ranges (1-4 trace, 5-8 debug, ... 21-24 fatal); 0 is unspecified.
enum class log_level : std::uint8_t { unspecified, trace, debug, info, warn, error, fatal };

std::string_view to_string(series_kind v);
/// "server" for 2; "unknown" outside 0..5 (a sender may invent kinds; they still aggregate).
std::string_view span_kind_name(span_kind_number v);
std::string_view to_string(log_level v);
std::optional<series_kind> parse_series_kind(std::string_view s);
std::optional<span_kind_number> parse_span_kind(std::string_view s);
std::optional<log_level> parse_log_level(std::string_view s);

/// The bucket of an OTLP SeverityNumber (out-of-range numbers are unspecified).
log_level level_of(int severity_number);

using attribute_set = std::vector<std::pair<std::string, std::string>>;

/// One series. Fields not used by its kind stay empty/default so that equality and the
/// canonical encoding are unambiguous.
struct series_key {
  series_kind kind = series_kind::span;
  std::string tenant;
  std::string service;       // span, log
  std::string name;          // span name, metric name
  span_kind_number span = 0;                // span
  log_level level = log_level::unspecified; // log
  attribute_set attributes;  // metric; sorted by key, unique keys

  friend bool operator==(const series_key& a, const series_key& b);
  friend bool operator!=(const series_key& a, const series_key& b) { return !(a == b); }
  friend bool operator<(const series_key& a, const series_key& b);
};

series_key span_series(std::string tenant, std::string service, std::string span_name,
                       span_kind_number kind);
/// Attributes are sorted by key. OTLP keys are unique, but a sender may repeat one: the greatest
/// value wins, so the key never depends on the order the attributes came in.
series_key metric_series(std::string tenant, std::string metric_name, attribute_set attributes);
series_key log_series(std::string tenant, std::string service, log_level level);

/// Length-prefixed canonical bytes of a key: equal keys, equal bytes, across versions.
std::string canonical_encoding(const series_key& k);

/// FNV-1a 64 over canonical_encoding.
std::uint64_t series_hash(const series_key& k);

/// Shard of a key among `shards` (> 0).
std::uint32_t shard_of(const series_key& k, std::uint32_t shards);

/// Human-readable form for logs and errors: span:acme/checkout/"POST /pay"/server.
std::string describe(const series_key& k);

} // namespace tocsin::domain
