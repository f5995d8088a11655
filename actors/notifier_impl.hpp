// Internals of the notifier, shared by its source files: notifier.cpp (life cycle, stats),
// notifier_consume.cpp (journal → records, consumer thread) and notifier_deliver.cpp (curl
// loop, delivery thread). Include only from those; each member notes the thread that owns it.
#pragma once

#include "actors/delivery_scheduler.hpp"
#include "actors/journal_consumer.hpp"
#include "actors/notification_record.hpp"
#include "actors/notifier.hpp"
#include "actors/notify_envelope_json.hpp"
#include "actors/notify_payload.hpp"
#include "actors/webhook_client.hpp"
#include "actors/write_tracker.hpp"

#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

namespace tocsin::actors {

/// Wall-clock now as a domain timestamp (record times only; pacing uses steady_clock).
domain::timestamp wall_now();

struct notifier::impl {
  using steady = std::chrono::steady_clock;

  impl(persistence::store& st, const policy_registry& policies, notifier_options opts);

  // -- fixed at construction ---------------------------------------------------------------
  persistence::store& store_;
  const policy_registry& policies_;
  notifier_options opts_;
  payload_options payload_;

  // -- life cycle (guarded by life_mu_) -----------------------------------------------------
  std::mutex life_mu_;
  bool running_ = false;
  // The consumer thread's cursors and rounds; its stop flag (journal_.stopping()) is the
  // notifier's, read by both threads.
  journal_consumer journal_;
  std::thread consumer_;
  std::thread delivery_;
  std::shared_ptr<write_tracker> writes_ = std::make_shared<write_tracker>();
  std::unique_ptr<webhook_client> client_; // created by start(); wakeup() from any thread

  domain::error start_locked();
  domain::error reload_pending();

  // -- consumer → delivery hand-off (guarded by inbox_mu_) ---------------------------------
  std::mutex inbox_mu_;
  std::vector<notification_record> inbox_;
  void hand_over(std::vector<notification_record> records);

  // -- stats (guarded by stats_mu_) ----------------------------------------------------------
  mutable std::mutex stats_mu_;
  std::map<std::pair<std::string, std::string>, channel_stats> stats_;
  template <class F>
  void update_stats(const notification_record& rec, F&& f) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    auto& s = stats_[{rec.tenant, rec.channel}];
    if (s.channel.empty()) {
      s.tenant = rec.tenant;
      s.channel = rec.channel;
    }
    f(s);
  }

  // -- consumer thread -------------------------------------------------------------------------
  struct batch {
    std::vector<persistence::kv_op> ops;
    std::vector<notification_record> records;
    std::set<std::string> ids;
  };
  void consume_loop();
  journal_consumer::round_result consume_round();
  /// Adds the notifications `rec` causes to `b`; false on a transient read error (the record
  /// is then retried in a later round and nothing of it is in `b`).
  bool record_notifications(const persistence::journal_record& rec, batch& b);

  // -- delivery thread ---------------------------------------------------------------------------
  delivery_scheduler sched_{16};
  std::unordered_map<std::uint64_t, std::string> transfers_; // curl token → notification id
  std::uint64_t next_token_ = 1;
  std::vector<persistence::kv_op> ops_; // record updates, written once per loop turn
  std::mt19937_64 rng_;

  void delivery_loop();
  void drain_inbox();
  void dispatch(steady::time_point now);
  void start_attempt(notification_record& rec);
  void on_result(const webhook_result& r, steady::time_point now);
  void delivered(notification_record& rec);
  void give_up(notification_record& rec, const std::string& reason);
  std::chrono::milliseconds backoff(std::uint32_t attempts, long retry_after_s);
  void put_record(const notification_record& rec, bool still_pending);
  void flush_ops();
};

} // namespace tocsin::actors
