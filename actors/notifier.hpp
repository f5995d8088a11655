// The notifier: a journal consumer (durable cursors "<consumer>/<partition>") that turns incident
// events into webhook notifications, records them in its own stream (kv_db::notifications) and
// delivers them with libcurl, at least once, with the notification id as Idempotency-Key
// (DESIGN.md §6). Runs two threads of its own (journal consumer, curl multi loop), so no CAF
// worker ever blocks. start/stop/stats are thread-safe; the store and the policy registry must
// outlive the notifier.
//
// Each body is rendered once, from the incident as of the triggering event (so a trigger read
// after the incident was resolved still says "escalated", and an acknowledge reaches the
// channels paged before it), and recorded with the advanced cursor in one write; only then is
// it sent. Records and keys: actors/notification_record.hpp. Bodies: actors/notify_payload.hpp.
#pragma once

#include "actors/policy_registry.hpp"
#include "domain/error.hpp"
#include "persistence/store.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::actors {

struct notifier_options {
  std::string consumer = "notifier";   // cursor key prefix; two notifiers need two names
  std::uint32_t max_attempts = 8;      // then the notification is dead-lettered
  std::chrono::milliseconds backoff_base{200}; // retry n waits U(0, min(max, base * 2^(n-1)))
  std::chrono::milliseconds backoff_max{30'000};
  std::chrono::milliseconds attempt_timeout{10'000}; // whole attempt, connect included
  long max_host_connections = 16;      // curl per-host limit; values below 16 are raised to 16
  long max_total_connections = 256;    // connections (and attempts in flight) overall
  std::size_t channel_in_flight = 16;  // attempts in flight per channel
  std::chrono::milliseconds poll_interval{50}; // journal wait when nothing new was committed
  std::size_t batch_events = 512;      // journal records per notification-record write at most
  std::chrono::milliseconds stop_drain{2'000}; // stop() lets attempts in flight end this long
  std::string external_url;            // links in payloads (alertmanager generatorURL)
  std::uint64_t jitter_seed = 0;       // 0 = std::random_device
};

/// Delivery counters of one channel since start() (plus pending work re-loaded at start).
struct channel_stats {
  std::string tenant;
  std::string channel;
  std::uint64_t delivered = 0;
  std::uint64_t attempts = 0;
  std::uint64_t failures = 0;       // failed attempts (each retry counts)
  std::uint64_t dead_lettered = 0;
  std::uint64_t pending = 0;        // queued, in backoff or in flight now
  std::string last_error;           // "HTTP 503", curl's message, ...; never a secret
  double last_latency_ms = 0;       // of the last attempt that got an HTTP response
};

class notifier {
public:
  notifier(persistence::store& st, const policy_registry& policies, notifier_options opts = {});
  ~notifier();
  notifier(const notifier&) = delete;
  notifier& operator=(const notifier&) = delete;

  /// Re-loads pending notifications and the cursors, then starts both threads. Errors (store
  /// reads failing, libcurl unusable) leave the notifier stopped. A second call is a no-op.
  domain::error start();
  /// Stops consuming, lets attempts in flight finish (up to stop_drain), waits for its record
  /// writes to be durable and joins the threads. Unfinished work stays pending in the store.
  /// Idempotent; the destructor calls it.
  void stop();
  /// Per-channel counters, ordered by (tenant, channel).
  std::vector<channel_stats> stats() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace tocsin::actors
