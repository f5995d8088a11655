// Hex spelling of trace/span ids and equality of telemetry values.
#include "domain/telemetry.hpp"

#include <cstring>

namespace tocsin::domain {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> from_hex(std::string_view hex) {
  if (hex.size() != 2 * N)
    return std::nullopt;
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    int hi = hex_digit(hex[2 * i]);
    int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

// Bit equality: a decoded NaN equals the same NaN, which is what "decoded the same" means.
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i]))
      return false;
  return true;
}

} // namespace

std::string to_hex(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return out;
}

std::optional<trace_id> trace_id_from_hex(std::string_view hex) { return from_hex<16>(hex); }
std::optional<span_id> span_id_from_hex(std::string_view hex) { return from_hex<8>(hex); }

bool operator==(const span_record& a, const span_record& b) {
  return a.trace_id == b.trace_id && a.span_id == b.span_id && a.service_name == b.service_name &&
         a.span_name == b.span_name && a.kind == b.kind && a.start_unix_nano == b.start_unix_nano &&
         a.end_unix_nano == b.end_unix_nano && a.status_code == b.status_code &&
         a.artifact_id == b.artifact_id && a.agent_id == b.agent_id && a.skill_id == b.skill_id &&
         a.feedback_category == b.feedback_category &&
         a.feedback_sentiment == b.feedback_sentiment;
}

bool operator==(const metric_point& a, const metric_point& b) {
  return a.name == b.name && a.attributes == b.attributes && a.kind == b.kind &&
         a.temporality == b.temporality && a.monotonic == b.monotonic &&
         a.start_unix_nano == b.start_unix_nano && a.time_unix_nano == b.time_unix_nano &&
         same_bits(a.value, b.value) && a.has_value == b.has_value && a.count == b.count &&
         same_bits(a.sum, b.sum) && a.has_sum == b.has_sum && same_bits(a.bounds, b.bounds) &&
         a.bucket_counts == b.bucket_counts;
}

bool operator==(const log_record& a, const log_record& b) {
  return a.service_name == b.service_name && a.severity_number == b.severity_number &&
         a.severity_text == b.severity_text && a.time_unix_nano == b.time_unix_nano &&
         a.observed_unix_nano == b.observed_unix_nano && a.trace_id == b.trace_id &&
         a.span_id == b.span_id && a.body == b.body && a.feedback_category == b.feedback_category &&
         a.feedback_sentiment == b.feedback_sentiment && a.record_uid == b.record_uid &&
         a.artifact_id == b.artifact_id && a.agent_id == b.agent_id && a.skill_id == b.skill_id;
}

} // namespace tocsin::domain
