// Internals of the feedback service, shared by its source files: feedback.cpp (life cycle,
// signals, stats), feedback_actor.cpp (the actor: appends, quality, folds, queries) and
// feedback_consume.cpp (IncidentResolved consumer thread). Include only from those.
#pragma once

#include "actors/feedback.hpp"
#include "actors/journal_consumer.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace tocsin::actors {

struct feedback_counters {
  std::atomic<std::uint64_t> created{0}, duplicates{0}, failed{0}, signals{0},
    invalid_signals{0}, error_spans{0}, folds{0}, resolved{0}, quality_updates{0};
};

/// Topic appends whose callback has not run yet; stop() waits for none before stopping the
/// actor, so every answered append reaches it.
struct append_tracker {
  std::mutex mu;
  std::condition_variable cv;
  std::size_t outstanding = 0;
  void begin();
  void end();
  bool wait_idle(std::chrono::milliseconds timeout);
};

/// What the service, its actor, the append callbacks and the consumer thread share; held by
/// shared_ptr so a late callback never touches a destroyed service.
struct feedback_env {
  feedback_env(caf::actor_system& s, persistence::store& st, persistence::topic_log& t,
               const domain::clock& c, feedback_options o)
    : sys(s), store(st), topic(t), clk(c), opts(std::move(o)) {}
  caf::actor_system& sys;
  persistence::store& store;
  persistence::topic_log& topic;
  const domain::clock& clk;
  const feedback_options opts;
  feedback_counters counters;
  append_tracker appends;
};

/// Quality accumulators by persistence::quality_key.
using quality_map = std::map<std::string, domain::quality_accumulator>;

/// Every persisted quality state (kv_db::topics "Q..."), for the actor to start from.
domain::result<quality_map> load_quality(persistence::store& st);

/// (fb_done_atom, append_done): the topic append of `key` finished (store writer thread).
struct append_done {
  std::string key;
  persistence::topic_append_result res;
};

caf::actor spawn_feedback_actor(std::shared_ptr<feedback_env> env, quality_map quality);

/// Logs an invalid runtime signal, sparingly (the n-th of them: first ten, then powers of two).
void log_invalid_signal(std::uint64_t n, const std::string& tenant, const domain::error& err);

struct feedback_service::impl {
  explicit impl(std::shared_ptr<feedback_env> e)
    : env(std::move(e)),
      journal(env->store,
              {env->opts.consumer, "feedback", env->opts.poll_interval, env->opts.batch_events}) {}

  std::shared_ptr<feedback_env> env;

  // -- life cycle (guarded by life_mu) -----------------------------------------------------
  std::mutex life_mu;
  bool running = false;
  std::atomic<bool> accepting{false}; // signals() sends only while true
  caf::actor actor;                   // set by the first start(); kept after stop()
  std::thread consumer;

  // -- the consumer thread's (see journal_consumer.hpp for who may call what) --------------
  journal_consumer journal;

  void consume_loop();
  journal_consumer::round_result consume_round(caf::scoped_actor& self);
};

} // namespace tocsin::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::append_done)
