// OTLP/HTTP (POST /v1/traces, /v1/metrics, /v1/logs; protobuf or JSON; gzip) plus GET /healthz
// and GET /metrics on one listener, served by cpp-httplib's thread pool. Owned by
// api::otlp_receivers: start/stop from one thread; handlers run on the pool's threads and wait
// (briefly) for dead letters to be durable before answering.
#pragma once

#include "api/auth.hpp"
#include "api/metrics_registry.hpp"
#include "api/otlp_ingest.hpp"
#include "domain/error.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace tocsin::api {

/// Extra /healthz details and the verdict: false makes /healthz answer 503. Called on an HTTP
/// thread per request; may take a lock or ask an actor with a short timeout.
using health_check = std::function<bool(std::map<std::string, std::string>& details)>;

struct otlp_http_env {
  const authenticator* auth = nullptr;
  otlp_ingest* ingest = nullptr;
  otlp_counters* counters = nullptr;
  const metrics_registry* metrics = nullptr; // unset: /metrics answers 404
  health_check health;                        // unset: healthy
  std::map<std::string, std::string> details; // fixed /healthz details (listen addresses)
};

class otlp_http_server {
public:
  otlp_http_server();
  ~otlp_http_server(); // stops
  otlp_http_server(const otlp_http_server&) = delete;
  otlp_http_server& operator=(const otlp_http_server&) = delete;

  /// Binds `listen` ("host:port", port 0 = any) and serves on a thread of its own. Errors:
  /// invalid_argument (address), unavailable (cannot bind).
  domain::error start(const std::string& listen, std::size_t max_body, int threads,
                      otlp_http_env env);
  /// Stops accepting, lets requests in progress finish, joins. Idempotent.
  void stop();
  int port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Splits "host:port" / "[v6]:port"; false when it is not that shape.
bool split_listen(const std::string& listen, std::string& host, int& port);

} // namespace tocsin::api
