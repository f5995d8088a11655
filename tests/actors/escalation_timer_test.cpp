// Escalation deadlines through the actor path with a manual clock: the SLA timer escalates an
// Open incident exactly once and records the step, an Acknowledged one is left alone, a passivated
// incident is woken by the wake-up service, a restart fires overdue deadlines, and a changed
// policy applies from the next deadline.
#include "actors/engine_fixture.hpp"

#include <thread>

using namespace tocsin;
using tocsin::test::engine_fixture;
using tocsin::test::make_open;
using domain::incident_status;

namespace {

constexpr domain::duration seconds = domain::nanos_per_second;

domain::tenant_policy fast_policy() {
  auto p = domain::default_policy("acme");
  p.sla[domain::severity::high] = 2 * seconds;
  p.channels["pager"] = domain::channel{"pager", "http://127.0.0.1:9/pd", domain::payload_format::tocsin, "", ""};
  p.role_channels["runtime.operator"] = {"pager"};
  p.steps = {domain::step_def{0, ""}, domain::step_def{10 * seconds, ""}};
  return p;
}

// Polls (real time) until `pred` holds for the incident or a generous limit passes.
template <class Pred>
actors::incident_view wait_for(engine_fixture& f, const std::string& id, Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  for (;;) {
    auto v = f.eng->get(id);
    REQUIRE(v.ok());
    if (pred(v->state) || std::chrono::steady_clock::now() > deadline)
      return *v;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

std::size_t count_type(const std::vector<domain::envelope>& h, std::string_view type) {
  return static_cast<std::size_t>(
    std::count_if(h.begin(), h.end(), [&](const auto& e) { return e.type == type; }));
}

} // namespace

TEST_CASE("an Open incident past its SLA escalates once, with the step recorded") {
  engine_fixture f;
  f.start();
  REQUIRE(f.eng->apply_policy(fast_policy(), "api").code == domain::errc::ok);
  auto open = f.eng->open(make_open("slow checkout", domain::severity::high))->state.id;
  auto acked = f.eng->open(make_open("acked one", domain::severity::high))->state.id;
  REQUIRE(f.eng->execute(acked, domain::acknowledge{"op"}).ok());

  f.clock.advance(3 * seconds); // past the 2 s SLA; the wake-up service sees it on its next tick
  auto v = wait_for(f, open, [](auto& s) { return s.status == incident_status::escalated; });
  REQUIRE(v.state.status == incident_status::escalated);
  CHECK(v.state.last_escalation == domain::escalation_reason::timer);
  REQUIRE(v.state.escalations.size() == 1);
  CHECK(v.state.escalations[0].step.number == 1);
  CHECK(v.state.escalations[0].step.channels == std::vector<std::string>{"pager"});

  // Nothing more is due until the next step's delay: wait a while and check nothing doubled.
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  v = *f.eng->get(open);
  CHECK(count_type(v.history, "IncidentEscalated") == 1);
  CHECK(count_type(v.history, "EscalationStepTaken") == 1);
  CHECK(f.eng->get(acked)->state.status == incident_status::acknowledged);

  f.clock.advance(11 * seconds); // step 2 is due 10 s after step 1
  v = wait_for(f, open, [](auto& s) { return s.escalations.size() >= 2; });
  CHECK(v.state.escalations.size() == 2);
  CHECK(v.state.escalations[1].step.number == 2);
}

TEST_CASE("a passivated incident is woken by the wake-up service when its deadline passes") {
  engine_fixture f;
  f.engine_opts.passivate_after = std::chrono::milliseconds{30};
  f.start();
  REQUIRE(f.eng->apply_policy(fast_policy(), "api").code == domain::errc::ok);
  auto id = f.eng->open(make_open("quiet", domain::severity::high))->state.id;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (f.eng->stats().active_actors > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  REQUIRE(f.eng->stats().active_actors == 0);
  f.clock.advance(3 * seconds);
  auto v = wait_for(f, id, [](auto& s) { return s.status == incident_status::escalated; });
  CHECK(v.state.status == incident_status::escalated);
  CHECK(count_type(v.history, "IncidentEscalated") == 1);
}

TEST_CASE("deadlines that passed while the engine was down fire once after restart") {
  engine_fixture f;
  f.start();
  REQUIRE(f.eng->apply_policy(fast_policy(), "api").code == domain::errc::ok);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(f.eng->open(make_open("down " + std::to_string(i), domain::severity::high))->state.id);
  f.stop();
  f.clock.advance(5 * seconds);
  f.engine_opts.id_seed += 1;
  f.start(); // the stored policy is loaded before the wake-up service starts
  for (auto& id : ids) {
    auto v = wait_for(f, id, [](auto& s) { return s.status == incident_status::escalated; });
    CHECK(v.state.status == incident_status::escalated);
    CHECK(count_type(v.history, "IncidentEscalated") == 1);
  }
  f.reopen(); // and again: nothing fires twice
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  for (auto& id : ids)
    CHECK(count_type(f.eng->get(id)->history, "IncidentEscalated") == 1);
}

TEST_CASE("a changed policy applies from the next deadline") {
  engine_fixture f;
  f.start();
  REQUIRE(f.eng->apply_policy(fast_policy(), "api").code == domain::errc::ok);
  auto id = f.eng->open(make_open("policy change", domain::severity::high))->state.id;
  auto longer = fast_policy();
  longer.sla[domain::severity::high] = 60 * seconds;
  REQUIRE(f.eng->apply_policy(longer, "api").code == domain::errc::ok);
  f.clock.advance(3 * seconds); // the old deadline passes: re-armed at the new one, no escalation
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  CHECK(f.eng->get(id)->state.status == incident_status::open);
  f.clock.advance(60 * seconds);
  auto v = wait_for(f, id, [](auto& s) { return s.status == incident_status::escalated; });
  CHECK(v.state.status == incident_status::escalated);
}
