// HTTP POSTs over one libcurl multi handle (keep-alive connection cache, per-host and total
// connection limits, a per-attempt timeout) plus the HMAC-SHA256 body signature. Owned and
// driven by one thread (the notifier's delivery loop); only wakeup() may be called from others.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::actors {

struct webhook_client_options {
  long max_host_connections = 16;  // CURLMOPT_MAX_HOST_CONNECTIONS
  long max_total_connections = 64; // CURLMOPT_MAX_TOTAL_CONNECTIONS and the connection cache
};

struct webhook_request {
  std::uint64_t token = 0; // caller's handle, echoed in the result
  std::string url;
  std::string body;
  std::vector<std::string> headers; // "Name: value"
  std::chrono::milliseconds timeout{10'000};
};

struct webhook_result {
  std::uint64_t token = 0;
  long http_status = 0;   // 0: no HTTP response (see error)
  std::string error;      // transport error text when http_status == 0
  bool transport_permanent = false; // e.g. malformed URL, unsupported scheme: retrying is futile
  long retry_after_s = 0; // Retry-After of a 429/503, in seconds; 0 = none
  double latency_ms = 0;  // submit → response
};

class webhook_client {
public:
  explicit webhook_client(webhook_client_options opts = {});
  ~webhook_client();
  webhook_client(const webhook_client&) = delete;
  webhook_client& operator=(const webhook_client&) = delete;

  /// False if libcurl could not be initialised (every submit then fails at once).
  bool ok() const;
  /// Starts a POST; its result comes out of a later poll().
  void submit(webhook_request req);
  /// Drives transfers for up to `timeout` (less if one finishes or wakeup() is called) and
  /// returns the transfers that finished.
  std::vector<webhook_result> poll(std::chrono::milliseconds timeout);
  /// Interrupts a poll() in progress. Thread-safe.
  void wakeup();
  /// Transfers submitted and not yet returned by poll().
  std::size_t in_flight() const;
  /// Abandons every transfer in flight (no results for them).
  void abort_all();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Lowercase hex HMAC-SHA256(key, body): the value after "sha256=" in X-Tocsin-Signature.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

} // namespace tocsin::actors
