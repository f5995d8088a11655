// The notifier's delivery thread: one libcurl multi loop attempting recorded notifications in
// the order the delivery_scheduler allows, classifying each answer (2xx delivered; 408, 429,
// 5xx and transport errors retried with backoff; other answers permanent) and writing the
// records' new status in groups (every few milliseconds).
#include "actors/backoff.hpp"
#include "actors/notifier_impl.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tocsin::actors {
namespace {

using persistence::kv_db;
using persistence::kv_op;

bool retryable_status(long status) {
  return status == 408 || status == 429 || status >= 500;
}

} // namespace

void notifier::impl::delivery_loop() {
  constexpr auto flush_every = std::chrono::milliseconds(5);
  constexpr std::size_t flush_ops_at = 2048;
  std::optional<steady::time_point> drain_until;
  auto last_flush = steady::now();
  for (;;) {
    drain_inbox();
    const auto now = steady::now();
    auto wait = std::chrono::milliseconds(100);
    if (journal_.stopping()) {
      // No new attempts; give those in flight a moment so their outcome is recorded.
      if (!drain_until)
        drain_until = now + opts_.stop_drain;
      if (client_->in_flight() == 0 || now >= *drain_until)
        break;
      wait = std::chrono::milliseconds(20);
    } else {
      dispatch(now);
      if (auto due = sched_.next_due())
        wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(*due - now),
                          std::chrono::milliseconds(0), wait);
    }
    if (!ops_.empty())
      wait = std::min(wait, flush_every);
    auto results = client_->poll(wait);
    const auto done_at = steady::now();
    for (const auto& r : results) {
      try {
        on_result(r, done_at);
      } catch (const std::exception& e) {
        // Nothing may escape the thread; the notification stays pending and resumes on restart.
        spdlog::error("notifier '{}': handling a webhook answer failed: {}", opts_.consumer,
                      e.what());
      }
    }
    // Outcomes are written in groups: one commit per answer would cap deliveries at the
    // disk's commit rate. Losing a group to a crash only re-sends it (same Idempotency-Key).
    if (ops_.size() >= flush_ops_at || done_at - last_flush >= flush_every) {
      flush_ops();
      last_flush = done_at;
    }
  }
  client_->abort_all(); // abandoned attempts stay pending in the store and resume on restart
  flush_ops();
}

void notifier::impl::drain_inbox() {
  std::vector<notification_record> fresh;
  {
    std::lock_guard<std::mutex> lock(inbox_mu_);
    fresh.swap(inbox_);
  }
  for (auto& rec : fresh) {
    if (sched_.find(rec.id) != nullptr)
      continue; // already queued (re-loaded at start and recorded again by a replay)
    update_stats(rec, [](channel_stats& s) { ++s.pending; });
    sched_.add(std::move(rec));
  }
}

void notifier::impl::dispatch(steady::time_point now) {
  while (client_->in_flight() < static_cast<std::size_t>(opts_.max_total_connections)) {
    notification_record* rec = sched_.next(now);
    if (rec == nullptr)
      return;
    start_attempt(*rec);
  }
}

void notifier::impl::start_attempt(notification_record& rec) {
  // The secret is looked up now, never stored: a rotated secret signs the next attempt.
  const auto policy = policies_.get(rec.tenant);
  const auto ch = policy->channels.find(rec.channel);
  if (ch == policy->channels.end()) {
    give_up(rec, "channel '" + rec.channel + "' is no longer in the tenant policy");
    return;
  }
  // The policy's current URL: correcting a wrong URL lets its backlog drain (the body, rendered
  // once, stays as recorded).
  if (!ch->second.url.empty())
    rec.url = ch->second.url;
  ++rec.attempts;
  webhook_request req;
  req.token = next_token_++;
  req.url = rec.url;
  req.body = rec.body;
  req.timeout = opts_.attempt_timeout;
  req.headers = {"Content-Type: application/json", "Idempotency-Key: " + rec.id,
                 "X-Tocsin-Event: " + rec.event_type};
  if (!ch->second.secret.empty())
    req.headers.push_back("X-Tocsin-Signature: sha256="
                          + hmac_sha256_hex(ch->second.secret, rec.body));
  transfers_.emplace(req.token, rec.id);
  update_stats(rec, [](channel_stats& s) { ++s.attempts; });
  client_->submit(std::move(req));
}

void notifier::impl::on_result(const webhook_result& r, steady::time_point now) {
  auto t = transfers_.find(r.token);
  if (t == transfers_.end())
    return;
  const std::string id = std::move(t->second);
  transfers_.erase(t);
  notification_record* rec = sched_.find(id);
  if (rec == nullptr)
    return;
  if (r.http_status != 0)
    update_stats(*rec, [&](channel_stats& s) { s.last_latency_ms = r.latency_ms; });
  if (r.http_status >= 200 && r.http_status < 300) {
    delivered(*rec);
    return;
  }
  const std::string error =
      r.http_status != 0 ? "HTTP " + std::to_string(r.http_status) : r.error;
  rec->last_error = error;
  update_stats(*rec, [&](channel_stats& s) {
    ++s.failures;
    s.last_error = error;
  });
  const bool retryable =
      r.http_status != 0 ? retryable_status(r.http_status) : !r.transport_permanent;
  if (!retryable) {
    give_up(*rec, "permanent failure: " + error);
  } else if (rec->attempts >= opts_.max_attempts) {
    give_up(*rec, "gave up after " + std::to_string(rec->attempts) + " attempts: " + error);
  } else {
    put_record(*rec, true); // the attempt count survives a restart
    sched_.retry(id, now + backoff(rec->attempts, r.retry_after_s));
  }
}

void notifier::impl::delivered(notification_record& rec) {
  rec.status = "delivered";
  rec.delivered_at = rfc3339_ms(wall_now());
  put_record(rec, false);
  update_stats(rec, [](channel_stats& s) {
    ++s.delivered;
    if (s.pending > 0)
      --s.pending;
  });
  sched_.finish(rec.id);
}

void notifier::impl::give_up(notification_record& rec, const std::string& reason) {
  rec.status = "dead";
  rec.last_error = reason;
  put_record(rec, false);
  ops_.push_back({kv_db::dead_letters, kv_op::put, dead_letter_key(rec.id),
                  encode_dead_letter(rec, reason)});
  update_stats(rec, [&](channel_stats& s) {
    ++s.dead_lettered;
    s.last_error = reason;
    if (s.pending > 0)
      --s.pending;
  });
  // Ids and channel names only: URLs (Slack's carry a token) and secrets stay out of logs.
  spdlog::warn("notification {} ({}/{}) dead-lettered: {}", rec.id, rec.tenant, rec.channel,
               reason);
  const std::string id = rec.id;
  sched_.finish(id);
}

std::chrono::milliseconds notifier::impl::backoff(std::uint32_t attempts, long retry_after_s) {
  return jittered_backoff(attempts, opts_.backoff_base, opts_.backoff_max, retry_after_s, rng_);
}

void notifier::impl::put_record(const notification_record& rec, bool still_pending) {
  ops_.push_back({kv_db::notifications, kv_op::put, rec.id, encode_record(rec)});
  if (!still_pending)
    ops_.push_back({kv_db::notifications, kv_op::erase, pending_key(rec.id), {}});
}

void notifier::impl::flush_ops() {
  if (ops_.empty())
    return;
  writes_->begin();
  const std::string consumer = opts_.consumer;
  store_.write(std::move(ops_), [w = writes_, consumer](domain::error err) {
    if (err.code != domain::errc::ok)
      // The records stay pending on disk: a restart re-sends them with the same key.
      spdlog::warn("notifier '{}': writing delivery records failed ({}): {}", consumer,
                   domain::to_string(err.code), err.message);
    w->end();
  });
  ops_.clear();
}

} // namespace tocsin::actors
