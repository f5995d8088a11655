// The OTLP receivers: a gRPC server of their own (OTLP/gRPC, default 127.0.0.1:4317) and an HTTP
// listener (OTLP/HTTP, /healthz, /metrics; default 127.0.0.1:4318), both feeding one ingest
// sink (actors::aggregation), plus the replay of OTLP dead letters for the operator API.
// Owned by tocsind or a test: start after the sink exists, stop before it stops. start/stop
// from one thread; everything else is thread-safe.
#pragma once

#include "actors/ingest.hpp"
#include "api/api_options.hpp"
#include "api/dead_letter_replay.hpp"
#include "api/metrics_registry.hpp"
#include "api/otlp_counters.hpp"
#include "api/otlp_http.hpp"
#include "domain/error.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <functional>
#include <memory>
#include <string>

namespace tocsin::api {

/// tocsind fills it from config `otlp:` (config/config.hpp otlp_settings).
struct otlp_receiver_options {
  std::string grpc_listen = "127.0.0.1:4317"; // empty: no OTLP/gRPC
  std::string http_listen = "127.0.0.1:4318"; // empty: no OTLP/HTTP, /metrics, /healthz
  std::size_t max_body = std::size_t{16} << 20; // request body / gRPC message, after gzip
  bool require_known_tenant = false;
  int http_threads = 8;
};

struct otlp_receiver_links {
  /// Whether a tenant may send telemetry when require_known_tenant is on (tocsind: it has an
  /// escalation policy). Called on receiver threads; must be thread-safe and quick.
  std::function<bool(const std::string&)> tenant_known;
  /// The receivers register their counters here and serve it on /metrics. Must outlive stop().
  metrics_registry* metrics = nullptr;
  /// /healthz verdict and details beyond the receivers' own.
  health_check health;
};

class otlp_receivers {
public:
  otlp_receivers();
  ~otlp_receivers(); // stops
  otlp_receivers(const otlp_receivers&) = delete;
  otlp_receivers& operator=(const otlp_receivers&) = delete;

  /// Binds both listeners. Tokens and anonymous access are the operator API's (`auth`).
  /// `sink`, `st` and `clk` must outlive stop(). Errors: invalid_argument (address),
  /// unavailable (cannot bind); nothing is left running on error.
  domain::error start(const otlp_receiver_options& opts, const api_options& auth,
                      actors::ingest_sink& sink, persistence::store& st,
                      const domain::clock& clk, otlp_receiver_links links = {});
  /// Stops both listeners (in-flight requests finish first) and refuses replays; after it
  /// returns the sink is never called again. Idempotent.
  void stop();

  int grpc_port() const; // 0 when not serving
  int http_port() const;

  /// Re-ingests an OTLP dead letter (see dead_letter_replay.hpp); unavailable when not started.
  void replay(const std::string& key, std::function<void(dead_letter_replay_result)> done);
  /// replay() as a function for api::gateway_links. The receivers must outlive its callers.
  dead_letter_replayer replayer() {
    return [this](const std::string& key, std::function<void(dead_letter_replay_result)> done) {
      replay(key, std::move(done));
    };
  }

  const otlp_counters& counters() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace tocsin::api
