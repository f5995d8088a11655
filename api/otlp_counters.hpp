// What the OTLP receivers count, per transport and signal, for /metrics (tocsin_otlp_*). Plain
// atomics bumped by gRPC and HTTP threads and by the store's writer thread (dead letters);
// read by the metrics collector. Owned by api::otlp_receivers.
#pragma once

#include "api/metrics_registry.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tocsin::api {

enum class otlp_transport : std::uint8_t { grpc, http };
enum class otlp_signal : std::uint8_t { traces, metrics, logs };
enum class otlp_format : std::uint8_t { protobuf, json };

/// How a request was answered (one per request; the label `outcome` of tocsin_otlp_requests).
enum class otlp_outcome : std::uint8_t {
  accepted,          // OK (possibly with partial_success rejections)
  malformed,         // INVALID_ARGUMENT / 400, dead-lettered
  unknown_tenant,    // FAILED_PRECONDITION / 422, dead-lettered
  overloaded,        // RESOURCE_EXHAUSTED / 429 with retry info, not dead-lettered
  unauthenticated,   // UNAUTHENTICATED / 401
  forbidden,         // PERMISSION_DENIED / 403: a token acting for a tenant it may not
  too_large,         // RESOURCE_EXHAUSTED (gRPC itself) / 413
  unsupported_media, // HTTP 415: content type or encoding
  unavailable,       // shutting down
};

std::string_view to_string(otlp_transport t);
std::string_view to_string(otlp_signal s);
std::string_view to_string(otlp_outcome o);
std::optional<otlp_signal> parse_otlp_signal(std::string_view s);
std::string_view content_type_of(otlp_format f);

struct otlp_counters {
  static constexpr std::size_t transports = 2, signals = 3, outcomes = 9;
  template <class T>
  using per_path = std::array<std::array<T, signals>, transports>;

  per_path<std::array<std::atomic<std::uint64_t>, outcomes>> requests{};
  per_path<std::atomic<std::uint64_t>> bytes{};    // payload bytes after content decoding
  per_path<std::atomic<std::uint64_t>> received{}; // spans / points / records decoded
  per_path<std::atomic<std::uint64_t>> accepted{};
  per_path<std::atomic<std::uint64_t>> rejected{}; // partial_success rejections
  per_path<std::atomic<std::uint64_t>> dead_lettered{};
  per_path<std::atomic<std::uint64_t>> dead_letter_failed{}; // refused but not stored
  // Replays of dead letters: re-ingested and erased, still failing, overloaded.
  std::atomic<std::uint64_t> replayed{0}, replay_failed{0}, replay_overloaded{0};

  void count(otlp_transport t, otlp_signal s, otlp_outcome o) {
    requests[idx(t)][idx(s)][static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t>& at(per_path<std::atomic<std::uint64_t>>& c, otlp_transport t,
                                 otlp_signal s) {
    return c[idx(t)][idx(s)];
  }
  /// Writes every counter (metric names tocsin_otlp_*).
  void collect(metric_writer& w) const;

private:
  template <class E>
  static std::size_t idx(E e) { return static_cast<std::size_t>(e); }
};

} // namespace tocsin::api
