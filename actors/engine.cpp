// Engine: spawns the router and offers blocking helpers; see engine.hpp.
#include "actors/engine.hpp"

#include "actors/blocking_request.hpp"
#include "actors/deadline_waker.hpp"
#include "actors/incident_router.hpp"
#include "actors/policy_actor.hpp"
#include "persistence/policy_codec.hpp"

#include <caf/all.hpp>

#include <random>

namespace tocsin::actors {

void prepare_system_config(caf::actor_system_config& cfg, const std::string& scheduler) {
  add_message_types(cfg);
  cfg.set("scheduler.policy", caf::atom_from_string(scheduler));
}

domain::timestamp system_clock::now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

engine::engine(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
               engine_options opts)
  : sys_(sys), store_(st) {
  init_error_ = load_stored_policies(st, policies_);
  router_config cfg;
  cfg.store = &st;
  cfg.clock = &clk;
  cfg.passivate_after = opts.passivate_after;
  cfg.id_seed = opts.id_seed != 0 ? opts.id_seed
                                  : (std::uint64_t{std::random_device{}()} << 32)
                                      ^ std::random_device{}() ^ clk.now();
  cfg.policies = &policies_;
  router_ = sys.spawn(incident_router, cfg);
  policy_manager_ = sys.spawn(actors::policy_manager, policy_actor_config{&st, &policies_, &clk});
  if (opts.deadline_tick.count() > 0)
    waker_ = sys.spawn(deadline_waker, waker_config{&st, &clk, router_, opts.deadline_tick});
}

engine::~engine() {
  shutdown();
}

domain::result<command_reply> engine::open(domain::open_incident cmd) {
  return blocking_request<command_reply>(sys_, router_, open_atom::value, std::move(cmd));
}

domain::result<command_reply> engine::execute(const std::string& id, domain::incident_command cmd,
                                              std::uint64_t expected_version) {
  return blocking_request<command_reply>(sys_, router_, command_atom::value, id, std::move(cmd),
                                         expected_version);
}

domain::result<incident_view> engine::get(const std::string& id) {
  return blocking_request<incident_view>(sys_, router_, get_atom::value, id);
}

domain::error engine::apply_policy(domain::tenant_policy p, const std::string& source) {
  return blocking_request_unit(sys_, policy_manager_, policy_apply_atom::value, std::move(p),
                               source);
}

domain::result<domain::tenant_policy> engine::get_policy(const std::string& tenant) {
  return blocking_request<domain::tenant_policy>(sys_, policy_manager_, policy_get_atom::value,
                                                 tenant);
}

domain::error engine::apply_config_policies(const std::vector<domain::tenant_policy>& from_config) {
  for (const auto& p : from_config) {
    auto last = store_.get(persistence::kv_db::definitions, persistence::config_policy_key(p.tenant));
    if (!last)
      return last.err();
    persistence::stored_policy previous;
    if (*last && decode_policy(**last, previous).code == domain::errc::ok && previous.policy == p)
      continue; // the file is unchanged: whatever was applied since (e.g. through the API) stays
    if (auto err = apply_policy(p, "config"); err.code != domain::errc::ok)
      return domain::make_error(err.code, "policy of tenant " + p.tenant + ": " + err.message);
  }
  return {};
}

router_stats engine::stats() {
  auto r = blocking_request<router_stats>(sys_, router_, stats_atom::value);
  return r ? *r : router_stats{};
}

void engine::shutdown() {
  if (!router_)
    return;
  {
    caf::scoped_actor self{sys_};
    if (waker_) {
      self->send_exit(waker_, caf::exit_reason::user_shutdown);
      waker_ = nullptr;
    }
    if (policy_manager_) {
      self->send_exit(policy_manager_, caf::exit_reason::user_shutdown);
      policy_manager_ = nullptr;
    }
    // Waits until every incident actor has finished its in-flight append and quit.
    self->request(router_, caf::infinite, shutdown_atom::value)
      .receive([] {}, [](caf::error&) {});
    self->send_exit(router_, caf::exit_reason::user_shutdown);
  }
  router_ = nullptr;
}

} // namespace tocsin::actors
