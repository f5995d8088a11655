// What every operator-API service shares: the actor system and router, the store, the
// authenticator and small caches and counters. Owned by the gateway, outlives the gRPC server;
// every member is safe to use from any thread.
#pragma once

#include "actors/notifier.hpp"
#include "api/auth.hpp"
#include "api/blocking_pool.hpp"
#include "api/dead_letter_replay.hpp"
#include "api/tenant_cache.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tocsin::api {

class event_tailer;
class subscription_tailer;

struct api_counters {
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> refused{0};       // any non-OK answer
  std::atomic<std::uint64_t> unauthenticated{0};
  std::atomic<std::uint64_t> watch_streams{0}; // currently open
  std::atomic<std::uint64_t> watch_events{0};  // events written to streams
  std::atomic<std::uint64_t> subscribe_streams{0}; // Subscribe streams currently open
  std::atomic<std::uint64_t> subscribe_events{0};  // events written to them
};

/// Work for a bridge actor: it issues requests whose replies finish gRPC calls.
struct bridge_job {
  std::function<void(caf::event_based_actor*)> run;
};

struct service_env {
  caf::actor_system* system = nullptr;
  caf::actor router;
  caf::actor policies; // the engine's policy manager; unset: PolicyService is unavailable
  caf::actor slos;     // the SLO manager (actors/slo_messages.hpp); unset: SloService unavailable
  std::function<std::vector<actors::channel_stats>()> delivery_stats; // unset: unavailable
  dead_letter_replayer replay_dead_letter; // OTLP dead letters; unset: replay unavailable
  caf::actor feedback;                              // unset: FeedbackService unavailable
  persistence::topic_log* feedback_topic = nullptr; // the "feedback" topic; unset: unavailable
  persistence::topic_log* governance_topic = nullptr; // the "governance" topic; unset: unavailable
  persistence::store* store = nullptr;
  const authenticator* auth = nullptr;
  blocking_pool* pool = nullptr;
  event_tailer* tailer = nullptr;
  subscription_tailer* subscriptions = nullptr; // Subscribe streams (api/subscription_tailer.hpp)
  tenant_cache tenants;
  api_counters counters;
  std::string listen_address;
  bool tls = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// A few long-lived actors that send router requests on behalf of gRPC threads (no actor is
  /// spawned per call); picked round-robin.
  std::vector<caf::actor> bridges;
  std::atomic<std::size_t> next{0};

  const caf::actor& next_bridge() {
    return bridges[next.fetch_add(1, std::memory_order_relaxed) % bridges.size()];
  }
};

} // namespace tocsin::api

// Local only: a bridge job never leaves the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::api::bridge_job)
