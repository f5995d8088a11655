// SLO-breach governance consumer: see slo_governance.hpp.
#include "actors/slo_governance.hpp"

#include "actors/notification_record.hpp"
#include "domain/governance.hpp"
#include "persistence/cost_codec.hpp"
#include "persistence/governance_codec.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace tocsin::actors {
namespace {

using persistence::kv_db;
using persistence::kv_op;
using counter_key = std::pair<std::string, std::string>; // (tenant, SLO id)

bool is_breach(const domain::envelope& env) {
  return env.source == domain::to_string(domain::incident_source::slo)
         && (std::holds_alternative<domain::incident_opened>(env.payload)
             || std::holds_alternative<domain::signal_repeated>(env.payload));
}

} // namespace

struct slo_governance::impl {
  enum class round_result { idle, progressed, failed };

  persistence::store& store;
  const policy_registry& policies;
  persistence::topic_log& topic;
  slo_governance_options opts;

  std::mutex life_mu;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  std::atomic<std::uint64_t> breaches{0}, handoffs{0}, failures{0};

  // Consumer thread only.
  std::vector<std::uint64_t> cursors;
  std::uint32_t first_partition = 0; // where the next round starts (fairness)
  std::map<counter_key, domain::breach_count_state> counters;

  impl(persistence::store& st, const policy_registry& p, persistence::topic_log& t,
       slo_governance_options o)
      : store(st), policies(p), topic(t), opts(std::move(o)) {}

  domain::error load();
  void loop();
  round_result round();
  void sleep(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(stop_mu);
    stop_cv.wait_for(lock, d, [this] { return stopping.load(); });
  }
};

domain::error slo_governance::impl::load() {
  const std::uint32_t parts = store.options().partitions;
  cursors.assign(parts, 0);
  for (std::uint32_t p = 0; p < parts; ++p) {
    auto v = store.get(kv_db::cursors, cursor_key(opts.consumer, p));
    if (!v.ok())
      return v.err();
    if (!v->has_value())
      continue;
    auto offset = decode_cursor(**v);
    if (!offset)
      return domain::make_error(domain::errc::corrupt_record,
                                "cursor " + cursor_key(opts.consumer, p) + " is not 8 bytes");
    cursors[p] = *offset;
  }
  const std::string prefix(persistence::breach_count_prefix);
  std::string from = prefix;
  for (;;) {
    auto rows = store.scan(kv_db::definitions, prefix, from, 1024);
    if (!rows.ok())
      return rows.err();
    for (const auto& [key, value] : *rows) {
      auto c = persistence::decode_breach_count(value);
      if (!c.ok())
        return c.err();
      counters[{c->tenant, c->slo_id}] = std::move(c->state);
    }
    if (rows->size() < 1024)
      return {};
    from = rows->back().first + '\0';
  }
}

void slo_governance::impl::loop() {
  while (!stopping) {
    const std::uint64_t seen = store.commit_count();
    round_result r = round_result::failed;
    try {
      r = round();
    } catch (const std::exception& e) {
      spdlog::error("governance '{}': consuming the journal failed: {}", opts.consumer, e.what());
    }
    if (r == round_result::idle)
      store.wait_for_commit(seen, opts.poll_interval);
    else if (r == round_result::failed)
      sleep(std::max(opts.poll_interval, std::chrono::milliseconds(200)));
  }
}

slo_governance::impl::round_result slo_governance::impl::round() {
  std::map<counter_key, domain::breach_count_state> touched; // this round's counters
  std::vector<domain::governance_handoff> out;
  std::map<std::uint32_t, std::uint64_t> advanced;
  std::size_t events = 0;
  bool failed = false;
  const auto parts = static_cast<std::uint32_t>(cursors.size());
  std::uint32_t i = 0;
  for (; i < parts && events < opts.batch_events && !stopping; ++i) {
    const std::uint32_t p = (first_partition + i) % parts;
    if (store.partition_end(p) <= cursors[p])
      continue;
    auto recs = store.read_partition(p, cursors[p], opts.batch_events - events);
    if (!recs.ok()) {
      failed = true;
      continue;
    }
    for (const auto& rec : *recs) {
      advanced[p] = rec.offset + 1;
      ++events;
      const auto& env = rec.env;
      if (!is_breach(env))
        continue;
      breaches.fetch_add(1);
      const counter_key key{env.tenant, env.source_id};
      auto it = touched.find(key);
      if (it == touched.end())
        it = touched.emplace(key, counters[key]).first;
      const auto policy = policies.get(env.tenant);
      if (auto w = domain::count_breach(it->second, policy->governance, env.occurred_at))
        out.push_back(domain::make_slo_handoff(env.tenant, env.source_id, *w, policy->governance,
                                               env.aggregate_id));
    }
  }
  first_partition = parts == 0 ? 0 : (first_partition + i) % parts;
  if (advanced.empty())
    return failed ? round_result::failed : round_result::idle;
  for (const auto& h : out) {
    auto r = topic.append_sync(h.id, topic.partition_of(h.id), persistence::encode_governance(h));
    if (!r.ok()) {
      spdlog::warn("governance '{}': appending hand-off {} failed: {}", opts.consumer, h.id,
                   r.err.message);
      failures.fetch_add(1);
      return round_result::failed; // counters and cursors stay: the same events come again
    }
    if (r.created) {
      handoffs.fetch_add(1);
      spdlog::info("governance hand-off {}: {}", h.id, h.summary);
    }
  }
  std::vector<kv_op> ops;
  for (const auto& [p, offset] : advanced)
    ops.push_back({kv_db::cursors, kv_op::put, cursor_key(opts.consumer, p), encode_cursor(offset)});
  for (const auto& [key, state] : touched)
    ops.push_back({kv_db::definitions, kv_op::put,
                   persistence::breach_count_key(key.first, key.second),
                   persistence::encode_breach_count({key.first, key.second, state})});
  if (auto err = store.write_sync(std::move(ops)); err.code != domain::errc::ok) {
    spdlog::warn("governance '{}': writing cursors failed: {}", opts.consumer, err.message);
    failures.fetch_add(1);
    return round_result::failed;
  }
  for (const auto& [p, offset] : advanced)
    cursors[p] = offset;
  for (auto& [key, state] : touched)
    counters[key] = std::move(state);
  return failed ? round_result::failed : round_result::progressed;
}

slo_governance::slo_governance(persistence::store& st, const policy_registry& policies,
                               persistence::topic_log& governance, slo_governance_options opts)
    : impl_(std::make_unique<impl>(st, policies, governance, std::move(opts))) {}

slo_governance::~slo_governance() { stop(); }

domain::error slo_governance::start() {
  std::lock_guard<std::mutex> lock(impl_->life_mu);
  if (impl_->thread.joinable())
    return {};
  if (auto err = impl_->load(); err.code != domain::errc::ok)
    return err;
  impl_->stopping = false;
  impl_->thread = std::thread([i = impl_.get()] { i->loop(); });
  return {};
}

void slo_governance::stop() {
  std::lock_guard<std::mutex> lock(impl_->life_mu);
  if (!impl_->thread.joinable())
    return;
  {
    std::lock_guard<std::mutex> s(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->thread.join();
}

slo_governance_stats slo_governance::stats() const {
  return {impl_->breaches.load(), impl_->handoffs.load(), impl_->failures.load()};
}

} // namespace tocsin::actors
