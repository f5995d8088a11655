// Test fixture: a real LMDB store in a temp dir, a real CAF actor system and an engine on top.
// reopen() stops everything and starts a new system on the same directory (a restart).
#pragma once

#include "actors/engine.hpp"
#include "support/actor_stack.hpp"

#include <catch2/catch.hpp>

namespace tocsin::test {

struct engine_fixture : actor_stack {
  actors::engine_options engine_opts;

  engine_fixture() : actor_stack("tocsin-actors") {
    store_opts.snapshot_every = 5;
    engine_opts.id_seed = 42;
  }
  ~engine_fixture() { stop(); }

  void start() {
    open_stack();
    start_engine(engine_opts);
  }

  void stop() { close_stack(); }

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
