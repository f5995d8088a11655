#include "api/otlp_counters.hpp"

#include <string>

namespace tocsin::api {

std::string_view to_string(otlp_transport t) {
  return t == otlp_transport::grpc ? "grpc" : "http";
}

std::string_view to_string(otlp_signal s) {
  switch (s) {
    case otlp_signal::traces: return "traces";
    case otlp_signal::metrics: return "metrics";
    case otlp_signal::logs: return "logs";
  }
  return "traces";
}

std::string_view to_string(otlp_outcome o) {
  switch (o) {
    case otlp_outcome::accepted: return "accepted";
    case otlp_outcome::malformed: return "malformed";
    case otlp_outcome::unknown_tenant: return "unknown_tenant";
    case otlp_outcome::overloaded: return "overloaded";
    case otlp_outcome::unauthenticated: return "unauthenticated";
    case otlp_outcome::forbidden: return "forbidden";
    case otlp_outcome::too_large: return "too_large";
    case otlp_outcome::unsupported_media: return "unsupported_media";
    case otlp_outcome::unavailable: return "unavailable";
  }
  return "accepted";
}

std::optional<otlp_signal> parse_otlp_signal(std::string_view s) {
  for (auto sig : {otlp_signal::traces, otlp_signal::metrics, otlp_signal::logs})
    if (to_string(sig) == s)
      return sig;
  return std::nullopt;
}

std::string_view content_type_of(otlp_format f) {
  return f == otlp_format::json ? "application/json" : "application/x-protobuf";
}

void otlp_counters::collect(metric_writer& w) const {
  // Item names follow the OTLP partial_success fields: spans, data points, log records.
  static constexpr std::string_view item_names[] = {"spans", "data_points", "log_records"};
  for (std::size_t t = 0; t < transports; ++t) {
    for (std::size_t s = 0; s < signals; ++s) {
      const auto tr = std::string(to_string(static_cast<otlp_transport>(t)));
      const auto sig = std::string(to_string(static_cast<otlp_signal>(s)));
      metric_labels path{{"transport", tr}, {"signal", sig}};
      for (std::size_t o = 0; o < outcomes; ++o) {
        auto labels = path;
        labels.emplace_back("outcome", std::string(to_string(static_cast<otlp_outcome>(o))));
        w.counter("otlp_requests_total", "OTLP export requests by how they were answered",
                  static_cast<double>(requests[t][s][o].load(std::memory_order_relaxed)),
                  std::move(labels));
      }
      auto load = [&](const per_path<std::atomic<std::uint64_t>>& c) {
        return static_cast<double>(c[t][s].load(std::memory_order_relaxed));
      };
      w.counter("otlp_received_bytes_total", "OTLP payload bytes received (after gzip)",
                load(bytes), path);
      const std::string item(item_names[s]);
      metric_labels by_transport{{"transport", tr}};
      w.counter("otlp_" + item + "_received_total",
                "OTLP " + item + " decoded from export requests", load(received), by_transport);
      w.counter("otlp_" + item + "_accepted_total", "OTLP " + item + " handed to aggregation",
                load(accepted), by_transport);
      w.counter("otlp_" + item + "_rejected_total",
                "OTLP " + item + " refused one by one (partial_success)", load(rejected),
                by_transport);
      w.counter("otlp_dead_letters_total", "Refused OTLP requests stored as dead letters",
                load(dead_lettered), path);
      w.counter("otlp_dead_letter_failures_total",
                "Refused OTLP requests that could not be stored as dead letters",
                load(dead_letter_failed), path);
    }
  }
  for (auto [result, value] : {std::pair{"replayed", &replayed},
                               std::pair{"still_failing", &replay_failed},
                               std::pair{"overloaded", &replay_overloaded}})
    w.counter("otlp_dead_letter_replays_total", "Replays of OTLP dead letters by result",
              static_cast<double>(value->load(std::memory_order_relaxed)),
              {{"result", result}});
}

} // namespace tocsin::api
