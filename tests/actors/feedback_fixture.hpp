// Test fixture of the feedback service: a real LMDB store in a temp dir, a real actor system,
// an engine and the feedback service on the "feedback" topic, all on a shared (thread-safe)
// manual clock. reopen() stops everything and starts again on the same directory (a restart).
#pragma once

#include "actors/engine.hpp"
#include "actors/feedback.hpp"
#include "support/shared_clock.hpp"
#include "support/temp_dir.hpp"

#include <caf/all.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace tocsin::test {

struct feedback_fixture {
  temp_dir dir{"tocsin-feedback"};
  shared_clock clock;
  persistence::store_options store_opts;
  actors::feedback_options fb_opts;
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<actors::engine> eng;
  std::unique_ptr<persistence::topic_log> topic;
  std::unique_ptr<actors::feedback_service> svc;
  std::uint64_t starts = 0;

  feedback_fixture() {
    store_opts.dir = dir.path();
    store_opts.partitions = 16;
    store_opts.map_size = std::size_t{256} << 20;
    fb_opts.poll_interval = std::chrono::milliseconds(20);
  }
  ~feedback_fixture() { stop(); }

  void start() {
    auto st = persistence::store::open(store_opts);
    REQUIRE(st.ok());
    store = std::move(*st);
    cfg = std::make_unique<caf::actor_system_config>();
    actors::prepare_system_config(*cfg);
    sys = std::make_unique<caf::actor_system>(*cfg);
    actors::engine_options eo;
    eo.id_seed = ++starts; // a restarted node must not reuse incident ids
    eng = std::make_unique<actors::engine>(*sys, *store, clock, eo);
    topic = std::make_unique<persistence::topic_log>(*store, "feedback");
    svc = std::make_unique<actors::feedback_service>(*sys, *store, *topic, clock, fb_opts);
    REQUIRE(svc->start().code == domain::errc::ok);
  }

  void stop() {
    if (svc)
      svc->stop();
    svc.reset();
    topic.reset();
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
    start();
  }

  /// (feedback_atom, item) and wait for the answer.
  domain::error create(domain::feedback_item it) {
    caf::scoped_actor self{*sys};
    domain::error out;
    self->request(svc->actor(), std::chrono::seconds(30), actors::feedback_atom::value, std::move(it))
      .receive([] {}, [&](caf::error& e) { out = actors::from_caf_error(e); });
    return out;
  }

  actors::quality_rows quality(const std::string& tenant, const std::string& kind = {}) {
    caf::scoped_actor self{*sys};
    actors::quality_rows out;
    self->request(svc->actor(), std::chrono::seconds(30), actors::quality_atom::value, tenant, kind)
      .receive([&](actors::quality_rows& r) { out = std::move(r); },
               [&](caf::error& e) { FAIL("quality query failed: " << caf::to_string(e)); });
    return out;
  }
};

/// Polls `pred` until it holds or `timeout` passes (loaded machines: generous).
inline bool eventually_true(const std::function<bool()>& pred,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

} // namespace tocsin::test
