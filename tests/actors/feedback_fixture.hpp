// Test fixture of the feedback service: a real LMDB store in a temp dir, a real actor system,
// an engine and the feedback service on the "feedback" topic, all on a shared (thread-safe)
// manual clock. reopen() stops everything and starts again on the same directory (a restart).
#pragma once

#include "actors/engine.hpp"
#include "actors/feedback.hpp"
#include "support/actor_stack.hpp"
#include "support/eventually.hpp"

#include <caf/all.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

namespace tocsin::test {

struct feedback_fixture : actor_stack {
  actors::feedback_options fb_opts;
  std::unique_ptr<persistence::topic_log> topic;
  std::unique_ptr<actors::feedback_service> svc;
  std::uint64_t starts = 0;

  feedback_fixture() : actor_stack("tocsin-feedback") {
    fb_opts.poll_interval = std::chrono::milliseconds(20);
  }
  ~feedback_fixture() { stop(); }

  void start() {
    open_stack();
    actors::engine_options eo;
    eo.id_seed = ++starts; // a restarted node must not reuse incident ids
    start_engine(eo);
    topic = std::make_unique<persistence::topic_log>(*store, "feedback");
    svc = std::make_unique<actors::feedback_service>(*sys, *store, *topic, clock, fb_opts);
    REQUIRE(svc->start().code == domain::errc::ok);
  }

  void stop() {
    if (svc)
      svc->stop();
    svc.reset();
    topic.reset();
    close_stack();
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

} // namespace tocsin::test
