// A topic relay: a consumer of one topic log (persistence/topic_log.hpp) that POSTs every record,
// rendered as JSON, to an HTTP endpoint resolved per record (the Knowledge Platform for
// `feedback`, the tenant's governance channel for `governance`; actors/relay_routes.hpp).
// At least once, in offset order per partition (a partition's next record is sent only after
// the previous one was answered 2xx), many partitions at once, retried with jittered
// exponential backoff for as long as the receiver fails: the durable cursor
// (kv_db::cursors "<consumer>/<partition>") moves only past delivered records, so a backlog
// survives an outage and a restart. Idempotency-Key is the record's id; X-Tocsin-Signature
// (HMAC-SHA256 of the body) when the target has a secret. A record that can never be sent (it
// does not decode, or its tenant has no target) is dead-lettered ("relay/<consumer>/<id>") and
// the partition moves on. Runs one thread of its own (never a CAF worker); start/stop/stats are
// thread-safe; the store and the topic log must outlive the relay.
#pragma once

#include "domain/error.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tocsin::actors {

/// What one record becomes on the wire (rendered once per record).
struct relay_message {
  std::string id;         // Idempotency-Key: the same on every attempt and after a restart
  std::string tenant;
  std::string body;       // JSON
  std::string event_type; // X-Tocsin-Event, e.g. "FeedbackItemCreated"
};

/// Where a message goes; looked up on every attempt, so a corrected URL or a rotated secret
/// applies to the next one.
struct relay_target {
  std::string url;
  std::string secret;  // empty: no signature header
  std::string channel; // for stats and dead letters ("knowledge_platform", a channel name)
};

/// Record → message; an error means the record can never be sent (dead-lettered).
using relay_render = std::function<domain::result<relay_message>(const persistence::topic_record&)>;
/// Message → target; an error means there is nowhere to send it (dead-lettered).
using relay_resolve = std::function<domain::result<relay_target>(const relay_message&)>;

struct topic_relay_options {
  std::string consumer;                            // cursor key prefix; one per relay
  std::chrono::milliseconds backoff_base{500};     // retry n waits U(0, min(max, base*2^(n-1)))
  std::chrono::milliseconds backoff_max{60'000};
  std::chrono::milliseconds attempt_timeout{10'000};
  std::size_t max_in_flight = 64;                  // partitions attempted at once
  std::size_t read_ahead = 32;                     // records buffered per partition
  std::chrono::milliseconds idle_wait{200};        // longest sleep without news (stop latency)
  std::uint64_t jitter_seed = 0;                   // 0 = std::random_device
};

/// Counters since start(); backlog is read from the topic at the time of the call.
struct relay_stats {
  std::string topic;
  std::string consumer;
  std::uint64_t delivered = 0;
  std::uint64_t attempts = 0;
  std::uint64_t failures = 0;      // failed attempts (each retry counts)
  std::uint64_t dead_lettered = 0;
  std::uint64_t backlog = 0;       // records not yet delivered (offsets refused by the store
                                   // count until the partition moves past them)
  std::string last_error;          // "HTTP 503", curl's message (host and port at most), ...
};

class topic_relay {
public:
  topic_relay(persistence::store& st, persistence::topic_log& topic, relay_render render,
              relay_resolve resolve, topic_relay_options opts);
  ~topic_relay();
  topic_relay(const topic_relay&) = delete;
  topic_relay& operator=(const topic_relay&) = delete;

  /// Loads the cursors and starts the thread. Errors (cursor reads, libcurl unusable) leave
  /// the relay stopped. A second call is a no-op.
  domain::error start();
  /// Stops sending (attempts in flight are abandoned: their records stay behind the cursor and
  /// are sent again on the next start), waits until the cursor writes are durable, joins the
  /// thread. Idempotent; the destructor calls it.
  void stop();
  relay_stats stats() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace tocsin::actors
