// SLO runtime: loading, config application and blocking helpers; see slo_runtime.hpp.
#include "actors/slo_runtime.hpp"

#include "actors/blocking_request.hpp"
#include "actors/messages.hpp"
#include "actors/slo_manager.hpp"
#include "persistence/scan_all.hpp"

#include <caf/all.hpp>

namespace tocsin::actors {

slo_runtime::slo_runtime(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
                         caf::actor router, shard_locator shards, slo_options opts)
  : sys_(sys), store_(st), counters_(std::make_shared<slo_counters>()) {
  std::vector<persistence::stored_slo> stored;
  std::map<slo_ref, persistence::stored_slo_state> states;
  auto load_slo = [&](const std::string&, const std::string& v) {
    persistence::stored_slo s;
    auto err = persistence::decode_slo(v, s);
    if (err.code == domain::errc::ok)
      stored.push_back(std::move(s));
    return err;
  };
  auto load_state = [&](const std::string& k, const std::string& v) {
    persistence::stored_slo_state s;
    auto err = persistence::decode_slo_state(v, s);
    const auto rest = k.substr(persistence::slo_state_prefix.size()); // "<tenant>/<id>"
    const auto slash = rest.find('/');
    if (err.code == domain::errc::ok && slash != std::string::npos)
      states[{rest.substr(0, slash), rest.substr(slash + 1)}] = std::move(s);
    return err;
  };
  init_error_ = persistence::scan_definitions(st, persistence::slo_prefix, load_slo);
  if (init_error_.code == domain::errc::ok)
    init_error_ = persistence::scan_definitions(st, persistence::slo_state_prefix, load_state);
  slo_actor_config cfg;
  cfg.store = &st;
  cfg.clock = &clk;
  cfg.router = std::move(router);
  cfg.shard_for = std::move(shards);
  cfg.min_interval = opts.min_interval;
  cfg.evaluate_every = opts.evaluate_every;
  cfg.renotify = std::chrono::duration_cast<std::chrono::nanoseconds>(opts.renotify).count();
  cfg.counters = counters_;
  manager_ = sys.spawn(slo_manager, std::move(cfg), std::move(stored), std::move(states));
}

slo_runtime::~slo_runtime() {
  stop();
}

domain::error slo_runtime::apply_config(const std::vector<domain::slo_definition>& from_config) {
  std::vector<domain::slo_definition> changed;
  for (const auto& d : from_config) {
    auto last = store_.get(persistence::kv_db::definitions,
                           persistence::config_slo_key(d.tenant, d.id));
    if (!last)
      return last.err();
    persistence::stored_slo previous;
    if (*last && decode_slo(**last, previous).code == domain::errc::ok
        && previous.definition == d)
      continue; // unchanged file: whatever was applied since (or a delete) stands
    changed.push_back(d);
  }
  if (changed.empty())
    return {};
  auto r = apply(std::move(changed), "config");
  return r ? domain::error{} : r.err();
}

domain::result<std::vector<persistence::stored_slo>>
slo_runtime::apply(std::vector<domain::slo_definition> defs, const std::string& source,
                   const std::string& yaml) {
  return blocking_request<std::vector<persistence::stored_slo>>(
    sys_, manager_, slo_apply_atom::value, std::move(defs), source, yaml);
}

domain::result<persistence::stored_slo> slo_runtime::get(const std::string& tenant,
                                                         const std::string& id) {
  return blocking_request<persistence::stored_slo>(sys_, manager_, slo_get_atom::value, tenant,
                                                   id);
}

domain::result<std::vector<persistence::stored_slo>> slo_runtime::list(const std::string& tenant) {
  return blocking_request<std::vector<persistence::stored_slo>>(sys_, manager_,
                                                                slo_list_atom::value, tenant);
}

domain::error slo_runtime::remove(const std::string& tenant, const std::string& id) {
  return blocking_request_unit(sys_, manager_, slo_delete_atom::value, tenant, id);
}

domain::result<slo_status_view> slo_runtime::status(const std::string& tenant,
                                                    const std::string& id) {
  return blocking_request<slo_status_view>(sys_, manager_, slo_status_atom::value, tenant, id);
}

slo_stats slo_runtime::stats() const {
  const auto& c = *counters_;
  auto get = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  return {get(c.evaluations), get(c.stale_evaluations), get(c.breaches), get(c.repeats),
          get(c.recoveries), get(c.signal_failures), get(c.query_failures), get(c.active)};
}

void slo_runtime::stop() {
  if (!manager_)
    return;
  {
    caf::scoped_actor self{sys_};
    std::vector<caf::actor> actors;
    self->request(manager_, caf::infinite, slo_stop_atom::value)
      .receive([&](std::vector<caf::actor>& xs) { actors = std::move(xs); }, [](caf::error&) {});
    self->send_exit(manager_, caf::exit_reason::user_shutdown);
    // Waits for every slo_actor to be gone: none may touch the shards or the store afterwards.
    for (const auto& a : actors) {
      self->monitor(a);
      self->send(a, slo_stop_atom::value);
      self->receive([](caf::down_msg&) {});
    }
  }
  manager_ = nullptr;
}

} // namespace tocsin::actors
