// Replaying an OTLP dead letter, as the operator API sees it: plain data and a function type,
// so api::gateway_links can carry the receivers' replay without gRPC or receiver headers.
// The function is called on an API thread; `done` runs exactly once, on that thread or on the
// store's writer thread, and must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace tocsin::api {

struct dead_letter_replay_result {
  enum class status : std::uint8_t {
    replayed,      // re-ingested; the dead letter is erased (durably)
    still_failing, // malformed or tenant still refused: kept, attempts + 1, last_error updated
    overloaded,    // ingest queues full: unchanged, try again after retry_after_ms
    not_found,
    not_replayable, // not an OTLP dead letter
    busy,           // a replay of the same dead letter is in progress
    unavailable,    // receivers stopped
    error,          // the store failed (message says what)
  } st = status::error;
  std::string tenant;
  std::string signal;
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::string reason;  // still_failing: "malformed" | "unknown_tenant" | "forbidden"
  std::string message; // the error, or why items were rejected
  std::uint32_t retry_after_ms = 0;
};

using dead_letter_replayer =
  std::function<void(const std::string& key, std::function<void(dead_letter_replay_result)> done)>;

} // namespace tocsin::api
