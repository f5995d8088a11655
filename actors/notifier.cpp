// Notifier life cycle and stats: see notifier.hpp. The two threads live in
// notifier_consume.cpp (journal → records) and notifier_deliver.cpp (records → HTTP).
#include "actors/notifier.hpp"

#include "actors/notifier_impl.hpp"

#include <spdlog/spdlog.h>

namespace tocsin::actors {

domain::timestamp wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

notifier::impl::impl(persistence::store& st, const policy_registry& policies,
                     notifier_options opts)
    : store_(st), policies_(policies), opts_(std::move(opts)) {
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
  stopping_ = false;
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
  if (auto err = load_cursors(); err.code != domain::errc::ok)
    return err;
  delivery_ = std::thread([this] { delivery_loop(); });
  consumer_ = std::thread([this] { consume_loop(); });
  running_ = true;
  return {};
}

domain::error notifier::impl::load_cursors() {
  const std::uint32_t parts = store_.options().partitions;
  cursors_.assign(parts, 0);
  for (std::uint32_t p = 0; p < parts; ++p) {
    auto v = store_.get(persistence::kv_db::cursors, cursor_key(opts_.consumer, p));
    if (!v.ok())
      return v.err();
    if (!v->has_value())
      continue; // never committed: start at the beginning of the partition
    auto offset = decode_cursor(**v);
    if (!offset)
      return domain::make_error(domain::errc::corrupt_record,
                                "cursor " + cursor_key(opts_.consumer, p) + " is not 8 bytes");
    cursors_[p] = *offset;
  }
  return {};
}

domain::error notifier::impl::reload_pending() {
  constexpr std::size_t page = 1024;
  std::string from(pending_prefix);
  std::size_t loaded = 0;
  for (;;) {
    auto keys = store_.scan(persistence::kv_db::notifications, std::string(pending_prefix),
                            from, page);
    if (!keys.ok())
      return keys.err();
    for (const auto& [key, unused] : *keys) {
      const std::string id = key.substr(pending_prefix.size());
      auto value = store_.get(persistence::kv_db::notifications, id);
      if (!value.ok())
        return value.err();
      auto rec = value->has_value() ? decode_record(**value) : std::nullopt;
      if (!rec || rec->status != "pending") {
        // A marker whose record is gone or finished: drop it rather than re-send.
        ops_.push_back({persistence::kv_db::notifications, persistence::kv_op::erase, key, {}});
        continue;
      }
      update_stats(*rec, [](channel_stats& s) { ++s.pending; });
      sched_.add(std::move(*rec));
      ++loaded;
    }
    if (keys->size() < page)
      break;
    from = keys->back().first + '\0';
  }
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
  {
    std::lock_guard<std::mutex> stop_lock(impl_->stop_mu_);
    impl_->stopping_ = true;
  }
  impl_->stop_cv_.notify_all();
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
