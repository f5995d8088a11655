// Notifier life cycle and stats: see notifier.hpp. The two threads live in
// notifier_consume.cpp (journal → records) and notifier_deliver.cpp (records → HTTP).
#include "actors/notifier.hpp"

#include "actors/notifier_impl.hpp"
#include "persistence/scan_all.hpp"

#include <spdlog/spdlog.h>

namespace tocsin::actors {

domain::timestamp wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

notifier::impl::impl(persistence::store& st, const policy_registry& policies,
                     notifier_options opts)
    : store_(st), policies_(policies), opts_(std::move(opts)),
      journal_(st, {opts_.consumer, "notifier", opts_.poll_interval, opts_.batch_events}) {
  // The per-host limit must allow at least 16 parallel attempts (one channel's share).
  if (opts_.max_host_connections < 16)
    opts_.max_host_connections = 16;
  if (opts_.max_total_connections < opts_.max_host_connections)
    opts_.max_total_connections = opts_.max_host_connections;
  if (opts_.max_attempts == 0)
    opts_.max_attempts = 1;
  if (opts_.batch_events == 0)
    opts_.batch_events = 1;
  payload_.external_url = opts_.external_url;
  rng_.seed(opts_.jitter_seed != 0 ? opts_.jitter_seed : std::random_device{}());
}

notifier::notifier(persistence::store& st, const policy_registry& policies,
                   notifier_options opts)
    : impl_(std::make_unique<impl>(st, policies, std::move(opts))) {}

notifier::~notifier() {
  stop();
}

domain::error notifier::start() {
  std::lock_guard<std::mutex> lock(impl_->life_mu_);
  if (impl_->running_)
    return {};
  return impl_->start_locked();
}

domain::error notifier::impl::start_locked() {
  client_ = std::make_unique<webhook_client>(
      webhook_client_options{opts_.max_host_connections, opts_.max_total_connections});
  if (!client_->ok())
    return domain::make_error(domain::errc::unavailable, "libcurl multi handle unavailable");
  journal_.reset_stop();
  sched_ = delivery_scheduler(opts_.channel_in_flight);
  transfers_.clear();
  ops_.clear();
  {
    std::lock_guard<std::mutex> lock(inbox_mu_);
    inbox_.clear();
  }
  // Pending work first: a restart resumes what the previous run left, before new events.
  if (auto err = reload_pending(); err.code != domain::errc::ok)
    return err;
  if (auto err = journal_.load(); err.code != domain::errc::ok)
    return err;
  delivery_ = std::thread([this] { delivery_loop(); });
  consumer_ = std::thread([this] { consume_loop(); });
  running_ = true;
  return {};
}

domain::error notifier::impl::reload_pending() {
  std::size_t loaded = 0;
  auto each = [&](const std::string& key, const std::string&) {
    const std::string id = key.substr(pending_prefix.size());
    auto value = store_.get(persistence::kv_db::notifications, id);
    if (!value.ok())
      return value.err();
    auto rec = value->has_value() ? decode_record(**value) : std::nullopt;
    if (!rec || rec->status != "pending") {
      // A marker whose record is gone or finished: drop it rather than re-send.
      ops_.push_back({persistence::kv_db::notifications, persistence::kv_op::erase, key, {}});
      return domain::error{};
    }
    update_stats(*rec, [](channel_stats& s) { ++s.pending; });
    sched_.add(std::move(*rec));
    ++loaded;
    return domain::error{};
  };
  if (auto err = persistence::scan_all(store_, persistence::kv_db::notifications, pending_prefix,
                                       each);
      err.code != domain::errc::ok)
    return err;
  if (loaded != 0)
    spdlog::info("notifier '{}': resuming {} pending notifications", opts_.consumer, loaded);
  return {};
}

void notifier::impl::hand_over(std::vector<notification_record> records) {
  if (records.empty())
    return;
  {
    std::lock_guard<std::mutex> lock(inbox_mu_);
    if (inbox_.empty())
      inbox_ = std::move(records);
    else
      for (auto& r : records)
        inbox_.push_back(std::move(r));
  }
  client_->wakeup();
}

void notifier::stop() {
  std::lock_guard<std::mutex> lock(impl_->life_mu_);
  if (!impl_->running_)
    return;
  impl_->journal_.request_stop();
  impl_->client_->wakeup();
  if (impl_->consumer_.joinable())
    impl_->consumer_.join();
  if (impl_->delivery_.joinable())
    impl_->delivery_.join();
  // A record update still in the writer's queue would be lost to a restart right after stop().
  if (!impl_->writes_->wait_idle(std::chrono::seconds(30)))
    spdlog::warn("notifier '{}': record writes still unconfirmed at stop",
                 impl_->opts_.consumer);
  impl_->client_.reset();
  impl_->running_ = false;
}

std::vector<channel_stats> notifier::stats() const {
  std::lock_guard<std::mutex> lock(impl_->stats_mu_);
  std::vector<channel_stats> out;
  out.reserve(impl_->stats_.size());
  for (const auto& [key, s] : impl_->stats_)
    out.push_back(s);
  return out;
}

} // namespace tocsin::actors
