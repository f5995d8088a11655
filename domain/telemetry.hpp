// Telemetry as the engine sees it: spans, metric points and log records decoded from OTLP (api/otlp
// produces them), reduced to the fields aggregation, SLOs, exemplars and feedback use. Pure values,
// no protobuf: any thread may create, copy or read them; none is shared mutable state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::domain {

/// W3C/OTLP ids as raw bytes: fixed size, no allocation, cheap to compare and hash. All zero means
/// "absent" (OTLP sends an empty field for that).
using trace_id = std::array<std::uint8_t, 16>;
using span_id = std::array<std::uint8_t, 8>;

/// Lower-case hex, the spelling of OTLP/JSON, W3C traceparent and our API.
std::string to_hex(const std::uint8_t* bytes, std::size_t size);
inline std::string to_hex(const trace_id& id) { return to_hex(id.data(), id.size()); }
inline std::string to_hex(const span_id& id) { return to_hex(id.data(), id.size()); }

/// Parses exactly 2 * N hex digits (either case); nullopt otherwise.
std::optional<trace_id> trace_id_from_hex(std::string_view hex);
std::optional<span_id> span_id_from_hex(std::string_view hex);

template <std::size_t N>
bool is_zero(const std::array<std::uint8_t, N>& id) {
  for (auto b : id)
    if (b != 0)
      return false;
  return true;
}

/// OTLP Span.SpanKind values (kept numeric: series keys and spanmetrics use the number).
namespace span_kind {
constexpr std::int32_t unspecified = 0;
constexpr std::int32_t internal = 1;
constexpr std::int32_t server = 2;
constexpr std::int32_t client = 3;
constexpr std::int32_t producer = 4;
constexpr std::int32_t consumer = 5;
} // namespace span_kind

/// OTLP Status.StatusCode values; anything else a sender puts there is kept as is.
namespace status_code {
constexpr std::int32_t unset = 0;
constexpr std::int32_t ok = 1;
constexpr std::int32_t error = 2;
} // namespace status_code

struct span_record {
  domain::trace_id trace_id{};
  domain::span_id span_id{};
  std::string service_name; // resource attribute service.name
  std::string span_name;
  std::int32_t kind = span_kind::unspecified;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  std::int32_t status_code = status_code::unset;
  // Span attributes artifact.id, agent.id, skill.id: exemplars carry them into incidents.
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  // Span attributes feedback.category, feedback.sentiment.
  std::string feedback_category;
  std::string feedback_sentiment;

  /// end - start, 0 when a sender got them backwards (latency is never negative).
  std::uint64_t duration_nano() const {
    return end_unix_nano > start_unix_nano ? end_unix_nano - start_unix_nano : 0;
  }
  bool is_error() const { return status_code == status_code::error; }
  friend bool operator==(const span_record& a, const span_record& b);
  friend bool operator!=(const span_record& a, const span_record& b) { return !(a == b); }
};

/// The spans of one OTLP ResourceSpans. The tenant is a hint only: the receiver decides the tenant
/// from the authenticated caller and may ignore or check this.
struct span_batch {
  std::string tenant_hint; // resource attribute tenant.id
  std::vector<span_record> spans;
  friend bool operator==(const span_batch& a, const span_batch& b) {
    return a.tenant_hint == b.tenant_hint && a.spans == b.spans;
  }
};

enum class metric_kind : std::uint8_t { gauge, sum, histogram };
enum class temporality : std::uint8_t { unspecified = 0, delta = 1, cumulative = 2 };

/// Attribute values rendered to text (see api/otlp for the rendering), sorted by key, unique keys:
/// equal attribute sets compare equal, so the vector is a series key as is.
using attribute_list = std::vector<std::pair<std::string, std::string>>;

/// One OTLP data point with its metric's identity. Exponential histograms and summaries are not
/// kept (the decoder counts them as unsupported).
struct metric_point {
  std::string name;
  attribute_list attributes;
  metric_kind kind = metric_kind::gauge;
  domain::temporality temporality = domain::temporality::unspecified; // gauges: unspecified
  bool monotonic = false;                                              // sums only
  std::uint64_t start_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  // Gauge and sum: the value (an integer point converted to double). has_value is false when a
  // point carries the NO_RECORDED_VALUE flag (a staleness marker, histograms too) or, for gauges
  // and sums, no value at all.
  double value = 0;
  bool has_value = false;
  // Histogram: bucket_counts.size() == bounds.size() + 1 when the sender follows the spec.
  std::uint64_t count = 0;
  double sum = 0;
  bool has_sum = false;
  std::vector<double> bounds;
  std::vector<std::uint64_t> bucket_counts;
  friend bool operator==(const metric_point& a, const metric_point& b);
};

/// The points of one OTLP ResourceMetrics.
struct metric_batch {
  std::string tenant_hint;
  std::string service_name;
  std::vector<metric_point> points;
  std::uint64_t unsupported_points = 0; // exponential histogram and summary points skipped
  friend bool operator==(const metric_batch& a, const metric_batch& b) {
    return a.tenant_hint == b.tenant_hint && a.service_name == b.service_name &&
           a.points == b.points && a.unsupported_points == b.unsupported_points;
  }
};

struct log_record {
  std::string service_name;
  std::int32_t severity_number = 0; // OTLP SeverityNumber: 17..20 error, 21..24 fatal
  std::string severity_text;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t observed_unix_nano = 0;
  domain::trace_id trace_id{};
  domain::span_id span_id{};
  std::string body; // a string body as is; other bodies rendered like attribute values
  // Attributes feedback.category / feedback.sentiment, log.record.uid (the sender's record id, for
  // idempotent feedback), artifact.id / agent.id / skill.id.
  std::string feedback_category;
  std::string feedback_sentiment;
  std::string record_uid;
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  friend bool operator==(const log_record& a, const log_record& b);
};

/// The records of one OTLP ResourceLogs.
struct log_batch {
  std::string tenant_hint;
  std::vector<log_record> records;
  friend bool operator==(const log_batch& a, const log_batch& b) {
    return a.tenant_hint == b.tenant_hint && a.records == b.records;
  }
};

} // namespace tocsin::domain
