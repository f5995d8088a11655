// Repeated SLO breaches hand off to governance: the SLO-breach consumer reads the real incident
// journal (SLO incidents opened and repeated through the router), counts per (tenant, SLO) and
// appends one hand-off per policy period once N breaches fall within it; a restart resumes its
// cursors and counters without handing off twice.
#include "actors/engine.hpp"
#include "actors/slo_governance.hpp"
#include "persistence/topic_log.hpp"
#include "support/actor_stack.hpp"
#include "support/eventually.hpp"
#include "support/governance.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <thread>

using namespace tocsin;
using domain::nanos_per_second;
using domain::timestamp;
using test::eventually;

namespace {

constexpr timestamp minute = 60 * nanos_per_second;

struct governance_fixture : test::actor_stack {
  std::unique_ptr<persistence::topic_log> topic;
  std::unique_ptr<actors::slo_governance> gov;

  governance_fixture() : actor_stack("tocsin-slo-gov") {
    store_opts.partitions = 8;
    store_opts.map_size = std::size_t{64} << 20;
    open_stack();
    start_engine();
    auto p = test::governance_policy("acme");
    p.governance.slo_breaches = 3;
    p.governance.slo_breach_period = 10 * minute;
    REQUIRE(eng->apply_policy(p, "api").code == domain::errc::ok);
    topic = std::make_unique<persistence::topic_log>(*store, "governance");
    start_consumer();
  }
  ~governance_fixture() {
    gov.reset();
    close_stack();
  }

  void start_consumer() {
    actors::slo_governance_options o;
    o.poll_interval = std::chrono::milliseconds(20);
    gov = std::make_unique<actors::slo_governance>(*store, eng->policies(), *topic, o);
    REQUIRE(gov->start().code == domain::errc::ok);
  }

  // One breach of `slo`: opens its incident, or folds into the open one as a repeat.
  std::string breach(const std::string& tenant, const std::string& slo) {
    domain::open_incident o;
    o.tenant = tenant;
    o.title = "SLO " + slo + " breached";
    o.source = domain::incident_source::slo;
    o.source_id = slo;
    o.by = "slo";
    auto r = eng->open(o);
    REQUIRE(r.ok());
    return r->state.id;
  }

  std::vector<domain::governance_handoff> handoffs() { return test::handoffs(*topic); }

  void wait_counted(std::uint64_t breaches) {
    REQUIRE(eventually([&] { return gov->stats().breaches >= breaches; }));
  }
};

} // namespace

TEST_CASE("N breaches of one SLO within the period hand off once, a restart does not repeat it",
          "[slo_governance]") {
  governance_fixture f;
  const timestamp start = f.clock.now();
  std::string incident;
  for (int i = 0; i < 2; ++i) {
    incident = f.breach("acme", "checkout");
    f.breach("acme", "search");  // another SLO: counted on its own
    f.breach("globex", "checkout"); // a tenant without the rule
    f.clock.advance(minute);
  }
  f.wait_counted(6);
  CHECK(f.handoffs().empty());
  f.breach("acme", "checkout"); // the third within 10 minutes
  f.breach("globex", "checkout");
  f.wait_counted(8);
  REQUIRE(eventually([&] { return f.handoffs().size() == 1; }));
  auto h = f.handoffs().at(0);
  CHECK(h.tenant == "acme");
  CHECK(h.kind == "slo_breaches");
  CHECK(h.subject == "checkout");
  CHECK(h.amount == 3);
  CHECK(h.threshold == 3);
  CHECK(h.incident_id == incident); // the repeats folded into the one open incident
  CHECK(h.window_start == start);
  CHECK(h.at == start + 2 * minute);
  CHECK(h.channel == "finops");
  CHECK(f.gov->stats().handoffs == 1);

  // More breaches in the same period: counted, no second hand-off.
  f.clock.advance(minute);
  for (int i = 0; i < 3; ++i) f.breach("acme", "checkout");
  f.wait_counted(11);

  // Restart of the consumer: it resumes at its cursors with its counters.
  f.gov.reset();
  f.start_consumer();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(f.gov->stats().breaches == 0); // nothing read twice
  CHECK(f.handoffs().size() == 1);

  // Once the period since the hand-off has passed, the next breach completes a count with the
  // three remembered across the restart (all within the trailing 10 minutes): a second one.
  f.clock.set(start + 12 * minute);
  f.breach("acme", "checkout");
  f.wait_counted(1);
  REQUIRE(eventually([&] { return f.handoffs().size() == 2; }));
  auto all = f.handoffs();
  const auto& second = all[0].at == h.at ? all[1] : all[0];
  CHECK(second.window_start == start + 3 * minute);
  CHECK(second.at == start + 12 * minute);
  CHECK(second.id != h.id);
}
