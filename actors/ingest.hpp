// The entry of the telemetry pipeline: OTLP receivers (api/otlp_*) hand it the decoded batches of
// one request for one tenant; it keys them into series and passes them to the aggregator shards.
// Implemented by actors::aggregation; every method is thread-safe and never blocks on actors
// (gRPC and HTTP threads call it directly).
#pragma once

#include "domain/telemetry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::actors {

/// What became of one request's telemetry.
struct ingest_outcome {
  /// overloaded: nothing of the request was taken (queues are full): the receiver answers
  /// RESOURCE_EXHAUSTED / HTTP 429 with retry_after_ms, and the client retries the whole request.
  enum class status : std::uint8_t { accepted, overloaded } st = status::accepted;
  std::uint64_t accepted = 0;  // spans / points / records taken
  std::uint64_t rejected = 0;  // refused one by one (OTLP partial_success), e.g. unsupported
                               // metric types or data older than the allowed lateness
  std::string rejected_reason; // partial_success.error_message; empty when rejected == 0
  std::uint32_t retry_after_ms = 0; // overloaded only
  bool ok() const { return st == status::accepted; }
};

class ingest_sink {
public:
  virtual ~ingest_sink() = default;
  virtual ingest_outcome spans(const std::string& tenant, std::vector<domain::span_batch> b) = 0;
  virtual ingest_outcome metrics(const std::string& tenant,
                                 std::vector<domain::metric_batch> b) = 0;
  virtual ingest_outcome logs(const std::string& tenant, std::vector<domain::log_batch> b) = 0;
};

} // namespace tocsin::actors
