// OTLP/JSON requests: ids rewritten from hex (OTLP/JSON) to base64 (protobuf's JSON mapping of
// bytes), then protobuf's JSON parser into the generated classes, then otlp_convert. Not a hot path.
#include "api/otlp/otlp_convert.hpp"
#include "api/otlp/otlp_decode.hpp"

#include <google/protobuf/util/json_util.h>

#include <optional>

namespace tocsin::api::otlp {
namespace {

bool is_id_key(std::string_view key) {
  return key == "traceId" || key == "spanId" || key == "parentSpanId" || key == "trace_id" ||
         key == "span_id" || key == "parent_span_id";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::optional<std::string> hex_to_base64(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  std::string raw;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    raw += static_cast<char>(hi * 16 + lo);
  }
  static constexpr char digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    std::uint32_t n = std::uint8_t(raw[i]) << 16 | std::uint8_t(raw[i + 1]) << 8 |
                      std::uint8_t(raw[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6)
      out += digits[(n >> shift) & 63];
  }
  if (std::size_t rest = raw.size() - i) {
    std::uint32_t n = std::uint8_t(raw[i]) << 16 | (rest == 2 ? std::uint8_t(raw[i + 1]) << 8 : 0);
    out += digits[n >> 18];
    out += digits[(n >> 12) & 63];
    out += rest == 2 ? digits[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The end of the JSON string starting at text[open] == '"' (index of the closing quote), or npos.
std::size_t string_end(std::string_view text, std::size_t open) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      return i;
  }
  return std::string_view::npos;
}

std::size_t skip_space(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
    ++i;
  return i;
}

// Rewrites the string values of id keys from hex to base64; leaves everything else byte for byte
// (malformed JSON is left for the protobuf parser to report).
domain::result<std::string> ids_to_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"')
      continue;
    std::size_t close = string_end(text, i);
    if (close == std::string_view::npos)
      break;
    std::string_view key = text.substr(i + 1, close - i - 1);
    std::size_t colon = skip_space(text, close + 1);
    if (colon < text.size() && text[colon] == ':' && is_id_key(key)) {
      std::size_t open = skip_space(text, colon + 1);
      if (open < text.size() && text[open] == '"') {
        std::size_t end = string_end(text, open);
        if (end == std::string_view::npos)
          break;
        auto b64 = hex_to_base64(text.substr(open + 1, end - open - 1));
        if (!b64)
          return domain::make_error(domain::errc::invalid_argument,
                                    "malformed OTLP/JSON request: " + std::string(key) +
                                      " is not a hex string");
        out.append(text.substr(copied, open + 1 - copied)).append(*b64);
        copied = end;
        close = end;
      }
    }
    i = close;
  }
  out.append(text.substr(copied));
  return out;
}

template <class Request>
auto decode_json(std::string_view json, const char* name) -> decltype(from_proto(Request{})) {
  auto text = ids_to_base64(json);
  if (!text)
    return text.err();
  Request req;
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = true; // OTLP/JSON receivers must ignore unknown fields
  auto status = google::protobuf::util::JsonStringToMessage(*text, &req, opts);
  if (!status.ok())
    return domain::make_error(domain::errc::invalid_argument,
                              std::string("malformed OTLP/JSON ") + name + ": " +
                                std::string(status.message()));
  return from_proto(req);
}

} // namespace

domain::result<std::vector<domain::span_batch>> decode_traces_json(std::string_view json) {
  return decode_json<opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>(
    json, "ExportTraceServiceRequest");
}

domain::result<std::vector<domain::metric_batch>> decode_metrics_json(std::string_view json) {
  return decode_json<opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest>(
    json, "ExportMetricsServiceRequest");
}

domain::result<std::vector<domain::log_batch>> decode_logs_json(std::string_view json) {
  return decode_json<opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest>(
    json, "ExportLogsServiceRequest");
}

} // namespace tocsin::api::otlp
