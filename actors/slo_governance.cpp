// SLO-breach governance consumer: see slo_governance.hpp.
#include "actors/slo_governance.hpp"

#include "actors/journal_consumer.hpp"
#include "domain/governance.hpp"
#include "persistence/cost_codec.hpp"
#include "persistence/governance_codec.hpp"
#include "persistence/scan_all.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
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
  using round_result = journal_consumer::round_result;

  persistence::store& store;
  const policy_registry& policies;
  persistence::topic_log& topic;
  slo_governance_options opts;

  std::mutex life_mu;
  std::thread thread;
  std::atomic<std::uint64_t> breaches{0}, handoffs{0}, failures{0};
  journal_consumer journal;

  // Consumer thread only.
  std::map<counter_key, domain::breach_count_state> counters;

  impl(persistence::store& st, const policy_registry& p, persistence::topic_log& t,
       slo_governance_options o)
      : store(st), policies(p), topic(t), opts(std::move(o)),
        journal(st, {opts.consumer, "governance", opts.poll_interval, opts.batch_events}) {}

  domain::error load();
  round_result round();
};

domain::error slo_governance::impl::load() {
  if (auto err = journal.load(); err.code != domain::errc::ok)
    return err;
  auto each = [&](const std::string&, const std::string& value) {
    auto c = persistence::decode_breach_count(value);
    if (!c.ok())
      return c.err();
    counters[{c->tenant, c->slo_id}] = std::move(c->state);
    return domain::error{};
  };
  return persistence::scan_all(store, kv_db::definitions, persistence::breach_count_prefix, each);
}

slo_governance::impl::round_result slo_governance::impl::round() {
  std::map<counter_key, domain::breach_count_state> touched; // this round's counters
  std::vector<domain::governance_handoff> out;
  auto read = journal.read([&](const persistence::journal_record& rec) {
    const auto& env = rec.env;
    if (!is_breach(env))
      return true;
    breaches.fetch_add(1);
    const counter_key key{env.tenant, env.source_id};
    auto it = touched.find(key);
    if (it == touched.end())
      it = touched.emplace(key, counters[key]).first;
    const auto policy = policies.get(env.tenant);
    if (auto w = domain::count_breach(it->second, policy->governance, env.occurred_at))
      out.push_back(domain::make_slo_handoff(env.tenant, env.source_id, *w, policy->governance,
                                             env.aggregate_id));
    return true;
  });
  if (read.advanced.empty())
    return read.nothing_read();
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
  for (const auto& [key, state] : touched)
    ops.push_back({kv_db::definitions, kv_op::put,
                   persistence::breach_count_key(key.first, key.second),
                   persistence::encode_breach_count({key.first, key.second, state})});
  if (auto err = journal.commit(read.advanced, std::move(ops)); err.code != domain::errc::ok) {
    spdlog::warn("governance '{}': writing cursors failed: {}", opts.consumer, err.message);
    failures.fetch_add(1);
    return round_result::failed;
  }
  for (auto& [key, state] : touched)
    counters[key] = std::move(state);
  return read.committed();
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
  impl_->journal.reset_stop();
  impl_->thread = std::thread([i = impl_.get()] { i->journal.run([i] { return i->round(); }); });
  return {};
}

void slo_governance::stop() {
  std::lock_guard<std::mutex> lock(impl_->life_mu);
  if (!impl_->thread.joinable())
    return;
  impl_->journal.request_stop();
  impl_->thread.join();
}

slo_governance_stats slo_governance::stats() const {
  return {impl_->breaches.load(), impl_->handoffs.load(), impl_->failures.load()};
}

} // namespace tocsin::actors
