// The operator API's gRPC server and its lifecycle: tocsin.v1 IncidentService and AdminService,
// grpc.health.v1 and server reflection on one listen address (OTLP receivers are a separate
// server). Owned by tocsind or a test: start after the engine, stop before engine shutdown.
// start/stop are called from one thread; the services run on gRPC's threads.
#pragma once

#include "api/api_options.hpp"
#include "api/dead_letter_replay.hpp"
#include "domain/error.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::actors {
struct channel_stats;
} // namespace tocsin::actors

namespace tocsin::persistence {
class topic_log;
} // namespace tocsin::persistence

namespace tocsin::api {

/// Optional parts of the engine the gateway serves besides the router. Each one unset makes
/// its RPCs answer UNAVAILABLE (so a test or a daemon without a notifier still serves the rest).
struct gateway_links {
  /// engine::policy_manager(): PolicyService Apply/Get go through it.
  caf::actor policies;
  /// Per-channel delivery counters, e.g. `[&n] { return n.stats(); }` for a notifier `n`.
  /// A function rather than the notifier keeps api/ independent of its lifetime; called on a
  /// blocking-pool thread, so it may take a lock. Must stay callable until stop() returns.
  std::function<std::vector<actors::channel_stats>()> delivery_stats;
  /// slo_runtime::manager(): SloService goes through it.
  caf::actor slos;
  /// Replays OTLP dead letters (AdminService.ReplayDeadLetter), e.g. otlp_receivers::replayer().
  /// Must stay callable until stop() returns.
  dead_letter_replayer replay_dead_letter;
  /// actors::feedback_service::actor() and the "feedback" topic: FeedbackService reads items
  /// from the topic and quality scores from the actor. Both must outlive stop().
  caf::actor feedback;
  persistence::topic_log* feedback_topic = nullptr;
  /// The "governance" topic: SubscriptionService serves it (with "feedback" above and the
  /// incident journal). Unset: Subscribe to it answers UNAVAILABLE. Must outlive stop().
  persistence::topic_log* governance_topic = nullptr;
};

class gateway {
public:
  gateway();
  ~gateway(); // stops
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  /// Binds and serves. Errors: invalid_argument (unreadable TLS files, bad address),
  /// unavailable (the address cannot be bound). `sys`, `router` and `st` must outlive stop().
  domain::error start(const api_options& opts, caf::actor_system& sys, caf::actor router,
                      persistence::store& st, gateway_links links = {});
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
