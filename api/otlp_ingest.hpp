// The transport-independent half of the OTLP receivers: decode an export request, decide each
// resource's tenant, check it is known, hand the batches to the ingest sink, dead-letter what is
// refused (malformed, unknown tenant), and replay dead letters through the same path.
// Owned by api::otlp_receivers; thread-safe (gRPC, HTTP and API threads call it concurrently).
//
// Tenants (DESIGN.md §9 tokens): a tenant token's telemetry is its tenant's and a resource's
// `tenant.id` attribute is ignored; a service token with the scope telemetry:write names the
// tenant per resource with `tenant.id` (checked against the tenants it may act for) or has a
// single tenant; an anonymous caller (dev mode) uses `tenant.id`, else "default". One request
// may mix tenants (dev mode, service tokens): the batches are grouped per tenant.
#pragma once

#include "actors/ingest.hpp"
#include "api/auth.hpp"
#include "api/dead_letter_replay.hpp"
#include "api/otlp_counters.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace tocsin::api {

struct otlp_ingest_options {
  /// Refuse (FAILED_PRECONDITION / 422) and dead-letter telemetry of tenants `tenant_known`
  /// says no to (tocsind: tenants without an escalation policy).
  bool require_known_tenant = false;
  std::function<bool(const std::string&)> tenant_known;
  /// Dead letters queued for the store and not yet durable, in payload bytes. Beyond it a
  /// refused request is still refused but not stored (counted): a flood of bad payloads must
  /// not grow memory without bound.
  std::size_t max_dead_letter_backlog = std::size_t{64} << 20;
};

/// One export request as the transport received it.
struct otlp_request {
  otlp_transport transport = otlp_transport::grpc;
  otlp_signal signal = otlp_signal::traces;
  otlp_format format = otlp_format::protobuf;
  std::string content_encoding; // as sent ("gzip" or ""); recorded in dead letters
  std::string_view body;        // after content decoding
};

struct otlp_result {
  otlp_outcome outcome = otlp_outcome::accepted;
  std::uint64_t items = 0;    // decoded
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0; // partial_success
  std::string message;        // partial_success error_message, or why it was refused
  std::uint32_t retry_after_ms = 0;
  std::string tenant;         // the (first) tenant, or the one refused
};

class otlp_ingest {
public:
  /// `sink`, `st`, `clk` and `counters` must outlive this object.
  otlp_ingest(actors::ingest_sink& sink, persistence::store& st, const domain::clock& clk,
              otlp_counters& counters, otlp_ingest_options opts);

  /// Decode, tenants, ingest; counts the request; dead-letters it when malformed or for an
  /// unknown tenant. `done` runs once the answer may go out: at once, or on the store's writer
  /// thread once the dead letter is durable (it must not block).
  void handle(const principal& who, const otlp_request& req,
              std::function<void(otlp_result)> done);

  /// A request whose body could not be read (e.g. a corrupt gzip stream): counted and
  /// dead-lettered as malformed with the bytes that were decoded, like handle().
  void handle_unreadable(const principal& who, const otlp_request& req, std::string message,
                         std::function<void(otlp_result)> done);

  /// Re-ingests a stored dead letter (see dead_letter_replay.hpp).
  void replay(const std::string& key, std::function<void(dead_letter_replay_result)> done);

  /// Refuses further requests and replays and waits for those inside the sink to leave it, so
  /// the sink may be stopped after this returns. Idempotent.
  void stop();

  /// Decode + tenants + ingest only (no counting, no dead letter).
  otlp_result process(const principal& who, otlp_signal signal, otlp_format format,
                      std::string_view body);

private:
  void dead_letter(const principal& who, const otlp_request& req, otlp_result res,
                   std::function<void(otlp_result)> done);
  void finish_replay(const std::string& key, std::string value, otlp_result res,
                     std::function<void(dead_letter_replay_result)> done);
  void release(const std::string& key);

  actors::ingest_sink& sink_;
  persistence::store& store_;
  const domain::clock& clock_;
  otlp_counters& counters_;
  otlp_ingest_options opts_;
  std::atomic<std::size_t> backlog_{0};

  std::shared_mutex life_; // shared while inside the sink; stop() takes it exclusively
  bool stopped_ = false;   // guarded by life_

  std::mutex replay_mu_;
  std::set<std::string> replaying_; // keys with a replay in flight
};

} // namespace tocsin::api
