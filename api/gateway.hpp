// The operator API's gRPC server and its lifecycle: tocsin.v1 IncidentService and AdminService,
// grpc.health.v1 and server reflection on one listen address (OTLP receivers are a separate
// server). Owned by tocsind or a test: start after the engine, stop before engine shutdown.
// start/stop are called from one thread; the services run on gRPC's threads.
#pragma once

#include "api/api_options.hpp"
#include "domain/error.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <string>

namespace tocsin::api {

class gateway {
public:
  gateway();
  ~gateway(); // stops
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  /// Binds and serves. Errors: invalid_argument (unreadable TLS files, bad address),
  /// unavailable (the address cannot be bound). `sys`, `router` and `st` must outlive stop().
  domain::error start(const api_options& opts, caf::actor_system& sys, caf::actor router,
                      persistence::store& st);
  /// Ends Watch streams, lets in-flight calls finish for a short grace period, then cancels
  /// the rest. Idempotent.
  void stop();

  /// The bound port (useful with a ":0" listen address); 0 when not serving.
  int port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace tocsin::api
