// Cost detector life cycle, loading and the shard hook: see cost_detector.hpp.
#include "actors/cost_detector_impl.hpp"

#include "actors/messages.hpp"
#include "persistence/scan_all.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tocsin::actors {
namespace {

using persistence::kv_db;

// Every record under `prefix` in the definitions DB, decoded by `decode`.
template <class T, class Decode>
domain::error load_all(persistence::store& st, std::string_view prefix, Decode decode,
                       std::vector<T>& out) {
  auto each = [&](const std::string& key, const std::string& value) {
    auto v = decode(value);
    if (!v.ok()) {
      auto err = v.err();
      err.message += " (key " + key.substr(0, key.find('\0')) + ")";
      return err;
    }
    out.push_back(std::move(*v));
    return domain::error{};
  };
  return persistence::scan_all(st, kv_db::definitions, prefix, each);
}

std::string artifact_of(const domain::series_key& k) {
  for (const auto& [name, value] : k.attributes)
    if (name == domain::artifact_attribute)
      return value;
  return {};
}

} // namespace

cost_detector::cost_detector(caf::actor_system& sys, persistence::store& st,
                             const domain::clock& clk, caf::actor router,
                             const policy_registry& policies, caf::actor feedback,
                             persistence::topic_log& governance, cost_detector_options opts)
    : sys_(sys), store_(st), opts_(std::move(opts)), shared_(std::make_shared<shared>()) {
  shared_->store = &st;
  shared_->clock = &clk;
  shared_->router = std::move(router);
  shared_->policies = &policies;
  shared_->feedback = std::move(feedback);
  shared_->governance = &governance;
  shared_->opts = opts_;
}

cost_detector::~cost_detector() { stop(); }

domain::error cost_detector::start() {
  if (actor_)
    return {};
  if (opts_.window <= 0)
    return domain::make_error(domain::errc::invalid_argument, "cost window must be positive");
  cost_detector_init init;
  if (auto err = load_all(store_, persistence::cost_state_prefix, persistence::decode_cost_series,
                          init.series);
      err.code != domain::errc::ok)
    return err;
  if (auto err = load_all(store_, persistence::cost_pending_prefix,
                          persistence::decode_pending_cost, init.outbox);
      err.code != domain::errc::ok)
    return err;
  if (!init.outbox.empty())
    spdlog::info("cost detector: resuming {} anomalies not fully acted on",
                 init.outbox.size());
  shared_->series.store(init.series.size()); // before the actor runs: stats() are exact
  shared_->pending.store(init.outbox.size());
  actor_ = sys_.spawn(cost_detector_actor, shared_, std::move(init));
  return {};
}

void cost_detector::stop() {
  if (!actor_)
    return;
  caf::scoped_actor self{sys_};
  self->request(actor_, caf::infinite, shutdown_atom::value).receive([] {}, [](caf::error&) {});
  actor_ = caf::actor{};
}

std::function<void(const domain::series_key&, const domain::closed_window&)>
cost_detector::hook() const {
  return [a = actor_, metric = opts_.metric](const domain::series_key& k,
                                             const domain::closed_window& w) {
    if (!a || k.kind != domain::series_kind::metric || k.name != metric)
      return;
    caf::anon_send(a, cost_window_atom::value,
                   cost_sample{k.tenant, artifact_of(k), w.start, domain::from_fixed(w.value.sum)});
  };
}

cost_detector_stats cost_detector::stats() const {
  const auto& s = *shared_;
  cost_detector_stats out;
  out.windows = s.windows.load();
  out.late = s.late.load();
  out.observed = s.observed.load();
  out.anomalies = s.anomalies.load();
  out.incidents = s.incidents.load();
  out.feedback = s.feedback_items.load();
  out.handoffs = s.handoffs.load();
  out.failures = s.failures.load();
  out.pending = s.pending.load();
  out.series = s.series.load();
  return out;
}

} // namespace tocsin::actors
