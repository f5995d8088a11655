// Test fixture: a real LMDB store in a temp dir, a real CAF actor system and an engine on top.
// reopen() stops everything and starts a new system on the same directory (a restart).
#pragma once

#include "actors/engine.hpp"
#include "support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <catch2/catch.hpp>

#include <memory>

namespace tocsin::test {

struct engine_fixture {
  temp_dir dir{"tocsin-actors"};
  domain::manual_clock clock;
  persistence::store_options store_opts;
  actors::engine_options engine_opts;
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<actors::engine> eng;

  engine_fixture() {
    store_opts.dir = dir.path();
    store_opts.partitions = 16;
    store_opts.snapshot_every = 5;
    store_opts.map_size = std::size_t{256} << 20;
    engine_opts.id_seed = 42;
  }
  ~engine_fixture() { stop(); }

  void start() {
    auto st = persistence::store::open(store_opts);
    REQUIRE(st.ok());
    store = std::move(*st);
    cfg = std::make_unique<caf::actor_system_config>();
    actors::prepare_system_config(*cfg);
    sys = std::make_unique<caf::actor_system>(*cfg);
    eng = std::make_unique<actors::engine>(*sys, *store, clock, engine_opts);
  }

  void stop() {
    if (eng)
      eng->shutdown();
    eng.reset();
    sys.reset();
    cfg.reset();
    if (store)
      store->close();
    store.reset();
  }

  void reopen() {
    stop();
    engine_opts.id_seed += 1; // a restarted node must not reuse ids either
    start();
  }
};

inline domain::open_incident make_open(std::string title, domain::severity sev,
                                       std::string source_id = {},
                                       domain::incident_source src = domain::incident_source::manual) {
  domain::open_incident o;
  o.tenant = "acme";
  o.title = std::move(title);
  o.sev = sev;
  o.source = src;
  o.source_id = std::move(source_id);
  o.cat = domain::category::reliability;
  o.attr = {"artifact-1", "agent-1", "skill-1", "trace-1"};
  return o;
}

} // namespace tocsin::test
