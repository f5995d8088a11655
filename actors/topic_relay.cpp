// The relay thread: read ahead per partition from the cursor, send each partition's front record
// (at most one per partition in flight, so order holds), advance the cursor on 2xx, back off on
// anything else, and write cursor moves in one store write per loop turn. See topic_relay.hpp.
#include "actors/topic_relay.hpp"

#include "actors/backoff.hpp"
#include "actors/journal_consumer.hpp"
#include "actors/notify_envelope_json.hpp"
#include "actors/webhook_client.hpp"
#include "actors/write_tracker.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tocsin::actors {

namespace {

using persistence::kv_db;
using persistence::kv_op;
using steady = std::chrono::steady_clock;

domain::timestamp wall_clock_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

struct topic_relay::impl {
  struct partition_state {
    std::uint64_t next = 0; // first offset not yet delivered: the cursor
    std::deque<persistence::topic_record> ahead;
    std::optional<relay_message> msg; // the front record, rendered
    bool in_flight = false;
    bool exhausted = false; // the last read reached the end of what was readable
    std::uint32_t attempts = 0;
    steady::time_point due{};
  };

  impl(persistence::store& st, persistence::topic_log& topic, relay_render render,
       relay_resolve resolve, topic_relay_options opts)
    : store_(st), topic_(topic), render_(std::move(render)), resolve_(std::move(resolve)),
      opts_(std::move(opts)) {
    if (opts_.max_in_flight == 0)
      opts_.max_in_flight = 1;
    if (opts_.read_ahead == 0)
      opts_.read_ahead = 1;
    rng_.seed(opts_.jitter_seed != 0 ? opts_.jitter_seed : std::random_device{}());
    stats_.topic = topic_.topic();
    stats_.consumer = opts_.consumer;
  }

  persistence::store& store_;
  persistence::topic_log& topic_;
  relay_render render_;
  relay_resolve resolve_;
  topic_relay_options opts_;

  // -- life cycle (life_mu_) -----------------------------------------------------------------
  std::mutex life_mu_;
  bool running_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::shared_ptr<write_tracker> writes_ = std::make_shared<write_tracker>();

  // -- stats (stats_mu_) ---------------------------------------------------------------------
  mutable std::mutex stats_mu_;
  relay_stats stats_;
  std::vector<std::uint64_t> delivered_next_; // per partition, for the backlog

  // -- relay thread --------------------------------------------------------------------------
  std::unique_ptr<webhook_client> client_;
  std::vector<partition_state> parts_;
  std::unordered_map<std::uint64_t, std::uint32_t> transfers_; // curl token → partition
  std::uint64_t next_token_ = 1;
  std::size_t in_flight_ = 0;
  std::uint32_t turn_ = 0; // first partition looked at by the next dispatch (fairness)
  std::uint64_t seen_completed_ = 0;
  std::vector<kv_op> ops_;
  std::mt19937_64 rng_;

  domain::error load_cursors();
  void run();
  void loop_turn();
  void refill(bool news);
  void dispatch(steady::time_point now);
  void start_attempt(std::uint32_t p);
  void on_result(const webhook_result& r, steady::time_point now);
  void advance(std::uint32_t p);
  void dead_letter(std::uint32_t p, const std::string& reason);
  void wait(std::uint64_t completed);
  void flush();

  template <class F>
  void update_stats(F&& f) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    f(stats_);
  }
};

topic_relay::topic_relay(persistence::store& st, persistence::topic_log& topic,
                         relay_render render, relay_resolve resolve, topic_relay_options opts)
  : impl_(std::make_unique<impl>(st, topic, std::move(render), std::move(resolve),
                                 std::move(opts))) {}

topic_relay::~topic_relay() { stop(); }

domain::error topic_relay::start() {
  auto& m = *impl_;
  std::lock_guard<std::mutex> lock(m.life_mu_);
  if (m.running_)
    return {};
  m.client_ = std::make_unique<webhook_client>();
  if (!m.client_->ok())
    return domain::make_error(domain::errc::unavailable, "libcurl multi handle unavailable");
  if (auto err = m.load_cursors(); err.code != domain::errc::ok)
    return err;
  m.stopping_ = false;
  m.thread_ = std::thread([&m] { m.run(); });
  m.running_ = true;
  return {};
}

void topic_relay::stop() {
  auto& m = *impl_;
  std::lock_guard<std::mutex> lock(m.life_mu_);
  if (!m.running_)
    return;
  m.stopping_ = true;
  m.client_->wakeup();
  m.thread_.join();
  if (!m.writes_->wait_idle(std::chrono::seconds(10)))
    spdlog::warn("relay '{}': cursor writes still pending at stop", m.opts_.consumer);
  m.client_.reset();
  m.running_ = false;
}

relay_stats topic_relay::stats() const {
  auto& m = *impl_;
  relay_stats out;
  std::vector<std::uint64_t> next;
  {
    std::lock_guard<std::mutex> lock(m.stats_mu_);
    out = m.stats_;
    next = m.delivered_next_;
  }
  for (std::uint32_t p = 0; p < next.size(); ++p)
    if (auto end = m.topic_.end(p); end.ok() && *end > next[p])
      out.backlog += *end - next[p];
  return out;
}

domain::error topic_relay::impl::load_cursors() {
  const std::uint32_t n = topic_.partitions();
  auto cursors = actors::load_cursors(store_, opts_.consumer, n);
  if (!cursors.ok())
    return cursors.err();
  parts_.assign(n, partition_state{});
  for (std::uint32_t p = 0; p < n; ++p)
    parts_[p].next = (*cursors)[p];
  transfers_.clear();
  in_flight_ = 0;
  ops_.clear();
  seen_completed_ = topic_.completed();
  std::vector<std::uint64_t> next(n);
  for (std::uint32_t p = 0; p < n; ++p)
    next[p] = parts_[p].next;
  std::lock_guard<std::mutex> lock(stats_mu_);
  delivered_next_ = std::move(next);
  return {};
}

void topic_relay::impl::run() {
  while (!stopping_) {
    try {
      loop_turn();
    } catch (const std::exception& e) {
      // Nothing may escape the thread; the cursor has not moved past anything unsent.
      spdlog::error("relay '{}': {}", opts_.consumer, e.what());
      std::this_thread::sleep_for(opts_.idle_wait);
    }
  }
  client_->abort_all(); // their records stay behind the cursor: sent again on the next start
  flush();
}

void topic_relay::impl::loop_turn() {
  const auto completed = topic_.completed();
  const bool news = completed != seen_completed_;
  seen_completed_ = completed;
  refill(news);
  dispatch(steady::now());
  flush();
  wait(completed);
}

// A partition is read again only when it has nothing buffered and either its last read was cut
// short by read_ahead or an append finished since: an idle relay reads nothing.
void topic_relay::impl::refill(bool news) {
  for (std::uint32_t p = 0; p < parts_.size(); ++p) {
    auto& ps = parts_[p];
    if (!ps.ahead.empty() || ps.in_flight || (ps.exhausted && !news))
      continue;
    auto recs = topic_.read(p, ps.next, opts_.read_ahead);
    if (!recs.ok()) {
      update_stats([&](relay_stats& s) { s.last_error = recs.err().message; });
      ps.exhausted = false; // try again next turn (after a wait)
      continue;
    }
    ps.exhausted = recs->size() < opts_.read_ahead;
    for (auto& r : *recs)
      ps.ahead.push_back(std::move(r));
  }
}

void topic_relay::impl::dispatch(steady::time_point now) {
  const auto n = static_cast<std::uint32_t>(parts_.size());
  for (std::uint32_t i = 0; i < n && in_flight_ < opts_.max_in_flight; ++i) {
    const std::uint32_t p = (turn_ + i) % n;
    auto& ps = parts_[p];
    // A dead-lettered front uncovers the next record of the same partition: keep going.
    while (!ps.ahead.empty() && !ps.in_flight && ps.due <= now && !stopping_)
      start_attempt(p);
  }
  turn_ = n == 0 ? 0 : (turn_ + 1) % n;
}

void topic_relay::impl::start_attempt(std::uint32_t p) {
  auto& ps = parts_[p];
  if (!ps.msg) {
    auto msg = render_(ps.ahead.front());
    if (!msg.ok())
      return dead_letter(p, "cannot render the record: " + msg.err().message);
    ps.msg = std::move(*msg);
  }
  auto target = resolve_(*ps.msg);
  if (!target.ok())
    return dead_letter(p, target.err().message);
  ++ps.attempts;
  webhook_request req;
  req.token = next_token_++;
  req.url = target->url;
  req.body = ps.msg->body;
  req.timeout = opts_.attempt_timeout;
  req.headers = {"Content-Type: application/json", "Idempotency-Key: " + ps.msg->id,
                 "X-Tocsin-Event: " + ps.msg->event_type, "X-Tocsin-Topic: " + topic_.topic()};
  if (!target->secret.empty())
    req.headers.push_back("X-Tocsin-Signature: sha256="
                          + hmac_sha256_hex(target->secret, ps.msg->body));
  transfers_.emplace(req.token, p);
  ps.in_flight = true;
  ++in_flight_;
  update_stats([](relay_stats& s) { ++s.attempts; });
  client_->submit(std::move(req));
}

void topic_relay::impl::on_result(const webhook_result& r, steady::time_point now) {
  auto t = transfers_.find(r.token);
  if (t == transfers_.end())
    return;
  const std::uint32_t p = t->second;
  transfers_.erase(t);
  auto& ps = parts_[p];
  ps.in_flight = false;
  --in_flight_;
  if (r.http_status >= 200 && r.http_status < 300) {
    update_stats([](relay_stats& s) { ++s.delivered; });
    advance(p);
    return;
  }
  // Every other answer is retried, a 4xx included: the receiver is the system of record, so its
  // backlog waits for a fix (visible in stats) rather than being dropped.
  const std::string error = r.http_status != 0 ? "HTTP " + std::to_string(r.http_status) : r.error;
  update_stats([&](relay_stats& s) {
    ++s.failures;
    s.last_error = error;
  });
  ps.due = now + jittered_backoff(ps.attempts, opts_.backoff_base, opts_.backoff_max,
                                  r.retry_after_s, rng_);
  if (ps.attempts == 1 || ps.attempts % 10 == 0)
    spdlog::warn("relay '{}': {} (partition {}, offset {}) failed {} time(s): {}",
                 opts_.consumer, ps.msg->id, p, ps.ahead.front().offset, ps.attempts, error);
}

void topic_relay::impl::advance(std::uint32_t p) {
  auto& ps = parts_[p];
  ps.next = ps.ahead.front().offset + 1;
  ps.ahead.pop_front();
  ps.msg.reset();
  ps.attempts = 0;
  ps.due = {};
  ops_.push_back(cursor_put(opts_.consumer, p, ps.next));
  std::lock_guard<std::mutex> lock(stats_mu_);
  delivered_next_[p] = ps.next;
}

void topic_relay::impl::dead_letter(std::uint32_t p, const std::string& reason) {
  auto& ps = parts_[p];
  const auto& rec = ps.ahead.front();
  const std::string id = ps.msg ? ps.msg->id
                                : topic_.topic() + "-" + std::to_string(p) + "-"
                                    + std::to_string(rec.offset);
  nlohmann::json record = {{"id", id},
                           {"topic", topic_.topic()},
                           {"partition", p},
                           {"offset", rec.offset},
                           {"tenant", ps.msg ? ps.msg->tenant : std::string()},
                           {"channel", opts_.consumer},
                           {"created_at", rfc3339_ms(wall_clock_now())},
                           {"attempts", ps.attempts},
                           {"last_error", reason}};
  if (ps.msg)
    record["body"] = ps.msg->body;
  const nlohmann::json value = {{"reason", reason}, {"record", std::move(record)}};
  ops_.push_back({kv_db::dead_letters, kv_op::put, "relay/" + opts_.consumer + "/" + id,
                  value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  update_stats([&](relay_stats& s) {
    ++s.dead_lettered;
    s.last_error = reason;
  });
  spdlog::warn("relay '{}': {} dead-lettered: {}", opts_.consumer, id, reason);
  advance(p); // same write as the dead letter: never both lost and skipped
}

void topic_relay::impl::wait(std::uint64_t completed) {
  const auto now = steady::now();
  auto wait = opts_.idle_wait;
  for (const auto& ps : parts_)
    if (!ps.ahead.empty() && !ps.in_flight && ps.due > now)
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(ps.due - now));
  if (client_->in_flight() > 0) {
    // Answers end the poll early; new records are noticed at the latest after this bound.
    auto results = client_->poll(std::min(wait, std::chrono::milliseconds(50)));
    const auto done_at = steady::now();
    for (const auto& r : results)
      on_result(r, done_at);
  } else if (wait.count() > 0 && !stopping_) {
    topic_.wait_completed(completed, wait);
  }
}

void topic_relay::impl::flush() {
  if (ops_.empty())
    return;
  writes_->begin();
  store_.write(std::move(ops_), [w = writes_, consumer = opts_.consumer](domain::error err) {
    if (err.code != domain::errc::ok)
      // The cursor stays behind: those records are sent again (same Idempotency-Key).
      spdlog::warn("relay '{}': writing cursors failed ({}): {}", consumer,
                   domain::to_string(err.code), err.message);
    w->end();
  });
  ops_.clear();
}

} // namespace tocsin::actors
