// What every in-process actor fixture stands on: a real LMDB store in a temp dir, a real CAF actor
// system, optionally the engine (policies, router, incident actors), and a thread-safe manual
// clock, opened and closed in the daemon's order. A fixture derives from it, starts its own
// components after open_stack() and stops them before close_stack(); a restart is close_stack()
// then open_stack() on the same directory. Test-only; driven from the test thread.
#pragma once

#include "actors/engine.hpp"
#include "support/shared_clock.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace tocsin::test {

struct actor_stack {
  temp_dir dir;
  shared_clock clock;
  persistence::store_options store_opts;
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<actors::engine> eng;

  explicit actor_stack(const std::string& dir_prefix,
                       domain::timestamp start = shared_clock::default_start)
      : dir(dir_prefix), clock(start) {
    store_opts.dir = dir.path();
    store_opts.partitions = 16;
    store_opts.map_size = std::size_t{256} << 20;
  }
  // Normally a no-op: fixtures close in their own stop(), after their components.
  ~actor_stack() { close_stack(); }
  actor_stack(const actor_stack&) = delete;
  actor_stack& operator=(const actor_stack&) = delete;

  /// Opens the store with store_opts (REQUIREs success), then a fresh actor system.
  void open_stack() {
    auto st = persistence::store::open(store_opts);
    REQUIRE(st.ok());
    store = std::move(*st);
    cfg = std::make_unique<caf::actor_system_config>();
    actors::prepare_system_config(*cfg);
    sys = std::make_unique<caf::actor_system>(*cfg);
  }

  /// The engine on the open stack. With a fixed id_seed, a restart must pass another one: a
  /// restarted node must not reuse incident ids.
  void start_engine(actors::engine_options opts = {}) {
    eng = std::make_unique<actors::engine>(*sys, *store, clock, opts);
  }

  /// Engine, then actor system, then store (the store outlives every actor that writes to it).
  void close_stack() {
    if (eng)
      eng->shutdown();
    eng.reset();
    sys.reset();
    cfg.reset();
    if (store)
      store->close();
    store.reset();
  }
};

} // namespace tocsin::test
