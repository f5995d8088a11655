// Engine: spawns the router and offers blocking helpers; see engine.hpp.
#include "actors/engine.hpp"

#include "actors/deadline_waker.hpp"
#include "actors/incident_router.hpp"

#include <caf/all.hpp>

#include <random>

namespace tocsin::actors {

namespace {

template <class T, class... Ts>
domain::result<T> ask(caf::actor_system& sys, const caf::actor& dest, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<domain::result<T>> out;
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
    .receive([&](T& reply) { out.emplace(std::move(reply)); },
             [&](caf::error& err) { out.emplace(from_caf_error(err)); });
  return std::move(*out);
}

} // namespace

domain::timestamp system_clock::now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

engine::engine(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
               engine_options opts)
  : sys_(sys) {
  router_config cfg;
  cfg.store = &st;
  cfg.clock = &clk;
  cfg.passivate_after = opts.passivate_after;
  cfg.id_seed = opts.id_seed != 0 ? opts.id_seed
                                  : (std::uint64_t{std::random_device{}()} << 32)
                                      ^ std::random_device{}() ^ clk.now();
  cfg.policies = &policies_;
  router_ = sys.spawn(incident_router, cfg);
  if (opts.deadline_tick.count() > 0)
    waker_ = sys.spawn(deadline_waker, waker_config{&st, &clk, router_, opts.deadline_tick});
}

engine::~engine() {
  shutdown();
}

domain::result<command_reply> engine::open(domain::open_incident cmd) {
  return ask<command_reply>(sys_, router_, open_atom::value, std::move(cmd));
}

domain::result<command_reply> engine::execute(const std::string& id, domain::incident_command cmd,
                                              std::uint64_t expected_version) {
  return ask<command_reply>(sys_, router_, command_atom::value, id, std::move(cmd),
                            expected_version);
}

domain::result<incident_view> engine::get(const std::string& id) {
  return ask<incident_view>(sys_, router_, get_atom::value, id);
}

router_stats engine::stats() {
  auto r = ask<router_stats>(sys_, router_, stats_atom::value);
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
    // Waits until every incident actor has finished its in-flight append and quit.
    self->request(router_, caf::infinite, shutdown_atom::value)
      .receive([](caf::unit_t) {}, [](caf::error&) {});
    self->send_exit(router_, caf::exit_reason::user_shutdown);
  }
  router_ = nullptr;
}

} // namespace tocsin::actors
