// Aggregation front end: see aggregation.hpp.
#include "actors/aggregation.hpp"

#include "actors/aggregation_shard.hpp"
#include "actors/messages.hpp"
#include "domain/telemetry_observations.hpp"

#include <caf/all.hpp>

#include <thread>

namespace tocsin::actors {
namespace {

template <class Batches, class Items>
std::uint64_t count_items(const Batches& batches, Items items) {
  std::uint64_t n = 0;
  for (const auto& b : batches) n += (b.*items).size();
  return n;
}

} // namespace

aggregation::aggregation(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
                         aggregation_options opts)
    : sys_(sys), opts_(std::move(opts)), counters_(std::make_shared<aggregation_counters>()) {
  std::uint32_t n = opts_.shards;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  shards_.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    shard_config cfg;
    cfg.store = &st;
    cfg.clock = &clk;
    cfg.windows = opts_.windows;
    cfg.tick = opts_.tick;
    cfg.counters = counters_;
    cfg.sweeps = i == 0;
    cfg.closed_window_metrics = opts_.closed_window_metrics;
    cfg.on_closed_window = opts_.on_closed_window;
    shards_.push_back(sys_.spawn(aggregation_shard, std::move(cfg)));
  }
}

aggregation::~aggregation() { stop(); }

bool aggregation::reserve(std::uint64_t n) {
  auto& queued = counters_->queued;
  std::uint64_t cur = queued.load(std::memory_order_relaxed);
  do {
    if (n > opts_.max_queued || cur > opts_.max_queued - n) return false;
  } while (!queued.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

ingest_outcome aggregation::overloaded() {
  counters_->overloaded.fetch_add(1, std::memory_order_relaxed);
  ingest_outcome o;
  o.st = ingest_outcome::status::overloaded;
  o.retry_after_ms = static_cast<std::uint32_t>(opts_.retry_after.count());
  return o;
}

template <class Batches, class Observe>
ingest_outcome aggregation::ingest(const std::string& tenant, Batches batches, std::uint64_t n,
                                   std::atomic<std::uint64_t>& taken, Observe observe) {
  if (stopped_.load(std::memory_order_acquire) || !reserve(n)) return overloaded();
  domain::telemetry_items items;
  observe(tenant, std::move(batches), items);
  // Split by shard; what will not be folded (skipped or rejected items) leaves the queue now.
  std::vector<shard_batch> parts(shards_.size());
  std::uint64_t sent = 0;
  for (auto& s : items.series) {
    auto& part = parts[s.hash % shards_.size()];
    part.count += s.size();
    sent += s.size();
    part.items.push_back(std::move(s));
  }
  counters_->queued.fetch_sub(n - std::min(n, sent), std::memory_order_relaxed);
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].items.empty()) caf::anon_send(shards_[i], fold_atom::value, std::move(parts[i]));
  auto& c = *counters_;
  taken.fetch_add(items.accepted, std::memory_order_relaxed);
  c.rejected.fetch_add(items.rejected, std::memory_order_relaxed);
  const std::size_t signals = items.signal_spans.size() + items.signal_logs.size();
  if (signals != 0) {
    c.signals.fetch_add(signals, std::memory_order_relaxed);
    if (opts_.on_signals)
      opts_.on_signals(tenant, std::move(items.signal_spans), std::move(items.signal_logs));
  }
  ingest_outcome o;
  o.accepted = items.accepted;
  o.rejected = items.rejected;
  o.rejected_reason = std::move(items.rejected_reason);
  return o;
}

ingest_outcome aggregation::spans(const std::string& tenant, std::vector<domain::span_batch> b) {
  const auto n = count_items(b, &domain::span_batch::spans);
  auto observe = [](const std::string& t, std::vector<domain::span_batch> x,
                    domain::telemetry_items& out) { domain::observe_spans(t, std::move(x), out); };
  return ingest(tenant, std::move(b), n, counters_->spans, observe);
}

ingest_outcome aggregation::metrics(const std::string& tenant,
                                    std::vector<domain::metric_batch> b) {
  const auto n = count_items(b, &domain::metric_batch::points);
  auto observe = [](const std::string& t, std::vector<domain::metric_batch> x,
                    domain::telemetry_items& out) {
    domain::observe_metrics(t, std::move(x), out);
  };
  return ingest(tenant, std::move(b), n, counters_->points, observe);
}

ingest_outcome aggregation::logs(const std::string& tenant, std::vector<domain::log_batch> b) {
  const auto n = count_items(b, &domain::log_batch::records);
  auto observe = [](const std::string& t, std::vector<domain::log_batch> x,
                    domain::telemetry_items& out) { domain::observe_logs(t, std::move(x), out); };
  return ingest(tenant, std::move(b), n, counters_->records, observe);
}

const caf::actor& aggregation::shard_for(const domain::series_key& k) const {
  return shards_[domain::shard_of(k, static_cast<std::uint32_t>(shards_.size()))];
}

aggregation_stats aggregation::stats() const {
  const auto& c = *counters_;
  auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  aggregation_stats s;
  s.spans = get(c.spans);
  s.points = get(c.points);
  s.records = get(c.records);
  s.rejected = get(c.rejected);
  s.late = get(c.late);
  s.windows_closed = get(c.windows_closed);
  s.windows_persisted = get(c.windows_persisted);
  s.series = get(c.series);
  s.queued = get(c.queued);
  s.overloaded = get(c.overloaded);
  s.signals = get(c.signals);
  return s;
}

void aggregation::stop() {
  std::lock_guard<std::mutex> guard(stop_mu_);
  if (stopped_.exchange(true)) return;
  caf::scoped_actor self{sys_};
  // All shards flush in parallel; each answers once its last write is durable (or refused).
  std::vector<decltype(self->request(shards_[0], caf::infinite, shutdown_atom::value))> replies;
  for (const auto& s : shards_)
    replies.push_back(self->request(s, caf::infinite, shutdown_atom::value));
  for (auto& r : replies) r.receive([] {}, [](caf::error&) {});
  for (const auto& s : shards_) self->send_exit(s, caf::exit_reason::user_shutdown);
  self->wait_for(shards_);
}

} // namespace tocsin::actors
