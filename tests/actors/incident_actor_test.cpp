// Integration tests: incident actors + router on a real LMDB store (restart, dedup, races,
// passivation, recovery from snapshot + tail).
#include "actors/engine_fixture.hpp"
#include "domain/ulid.hpp"

#include <caf/all.hpp>

#include <random>
#include <thread>

using namespace tocsin;
using tocsin::test::engine_fixture;
using tocsin::test::make_open;
using domain::errc;
using domain::incident_status;

namespace {

// Sends every message first, then collects every reply: the router sees them concurrently.
template <class Build>
std::vector<domain::result<actors::command_reply>> concurrently(caf::actor_system& sys,
                                                                const caf::actor& router,
                                                                std::size_t n, Build build) {
  caf::scoped_actor self{sys};
  std::vector<decltype(build(self, router, std::size_t{0}))> handles;
  handles.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    handles.push_back(build(self, router, i));
  std::vector<domain::result<actors::command_reply>> out;
  for (auto& h : handles)
    h.receive([&](actors::command_reply& r) { out.emplace_back(std::move(r)); },
              [&](caf::error& e) { out.emplace_back(actors::from_caf_error(e)); });
  return out;
}

std::size_t count_type(const std::vector<domain::envelope>& h, std::string_view type) {
  return static_cast<std::size_t>(
    std::count_if(h.begin(), h.end(), [&](const auto& e) { return e.type == type; }));
}

} // namespace

TEST_CASE("an incident moves through its lifecycle and replies after the append is durable") {
  engine_fixture f;
  f.start();
  auto opened = f.eng->open(make_open("db latency", domain::severity::high));
  REQUIRE(opened.ok());
  auto id = opened->state.id;
  CHECK(opened->state.status == incident_status::open);
  REQUIRE(opened->events.size() == 1);
  CHECK(f.store->version_of(id).value() == 1); // durable before the reply

  CHECK(f.eng->execute(id, domain::acknowledge{"ann"}).ok());
  CHECK(f.eng->execute(id, domain::begin_investigation{"ann"}).ok());
  auto bad = f.eng->execute(id, domain::acknowledge{"bob"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().code == errc::invalid_transition);
  CHECK(bad.err().message.find("investigating") != std::string::npos);
  CHECK(f.eng->execute(id, domain::apply_mitigation{"rolled back", "ann"}).ok());
  auto no_cause = f.eng->execute(id, domain::resolve{"  ", "ann"});
  REQUIRE_FALSE(no_cause.ok());
  CHECK(no_cause.err().code == errc::root_cause_required);
  auto done = f.eng->execute(id, domain::resolve{"bad deploy", "ann"});
  REQUIRE(done.ok());
  CHECK(done->state.status == incident_status::resolved);
  CHECK(f.eng->execute(id, domain::add_note{"post-mortem", "ann"}).ok());
  CHECK(f.eng->execute(id, domain::escalate{}).err().code == errc::incident_resolved);

  auto view = f.eng->get(id);
  REQUIRE(view.ok());
  CHECK(view->history.size() == 6);
  CHECK(view->state.version == 6);
  CHECK(f.eng->get("01ARZ3NDEKTSV4RRFFQ69G5FAV").err().code == errc::not_found);
  CHECK(f.eng->get("not-an-id").err().code == errc::invalid_argument);
}

TEST_CASE("critical incidents go straight to Escalated") {
  engine_fixture f;
  f.start();
  auto policy = domain::default_policy("acme");
  policy.channels["pager"] = {"pager", "http://127.0.0.1:9/pd", domain::payload_format::tocsin, "", ""};
  policy.role_channels["runtime.operator"] = {"pager"};
  REQUIRE(f.eng->apply_policy(policy, "api").code == errc::ok);
  auto r = f.eng->open(make_open("payments down", domain::severity::critical));
  REQUIRE(r.ok());
  CHECK(r->state.status == incident_status::escalated);
  REQUIRE(r->events.size() == 3); // opened, escalated (severity), the on-call page step
  CHECK(r->events[1].type == "IncidentEscalated");
  CHECK(r->events[2].type == "EscalationStepTaken");
  REQUIRE(r->state.escalations.size() == 1);
  CHECK(r->state.escalations[0].step.role == "runtime.operator");
  // The tenant's policy (not a default) chose the channels: the on-call page goes somewhere.
  CHECK(r->state.escalations[0].step.channels == std::vector<std::string>{"pager"});
  CHECK(r->state.escalations[0].reason == domain::escalation_reason::severity);
}

TEST_CASE("1,000 incidents survive a restart with identical state and history") {
  engine_fixture f;
  f.start();
  constexpr std::size_t n = 1000;
  auto opens = concurrently(*f.sys, f.eng->router(), n, [](auto& self, auto& router, auto i) {
    auto sev = i % 10 == 0 ? domain::severity::critical : domain::severity::high;
    return self->request(router, caf::infinite, actors::open_atom::value,
                         make_open("incident " + std::to_string(i), sev));
  });
  std::vector<std::string> ids;
  for (auto& r : opens) {
    REQUIRE(r.ok());
    ids.push_back(r->state.id);
  }
  // Several rounds of transitions, all incidents concurrently; the path depends on the index.
  std::mt19937 rng{7};
  for (int round = 0; round < 6; ++round) {
    f.clock.advance(domain::nanos_per_second);
    std::vector<domain::incident_command> cmds;
    for (std::size_t i = 0; i < n; ++i) {
      auto cur = f.eng->get(ids[i]);
      REQUIRE(cur.ok());
      auto moves = domain::allowed_moves(cur->state);
      std::vector<domain::incident_command> options;
      for (auto m : moves) {
        if (m == "acknowledge") options.push_back(domain::acknowledge{"op"});
        if (m == "investigate") options.push_back(domain::begin_investigation{"op"});
        if (m == "mitigate") options.push_back(domain::apply_mitigation{"restart", "op"});
        if (m == "escalate") options.push_back(domain::escalate{});
        if (m == "engage") options.push_back(domain::engage_on_call{"oncall"});
        if (m == "resolve") options.push_back(domain::resolve{"cause " + std::to_string(i), "op"});
        if (m == "note") options.push_back(domain::add_note{"round " + std::to_string(round), "op"});
      }
      REQUIRE_FALSE(options.empty());
      cmds.push_back(options[rng() % options.size()]);
    }
    auto replies = concurrently(*f.sys, f.eng->router(), n, [&](auto& self, auto& router, auto i) {
      return self->request(router, caf::infinite, actors::command_atom::value, ids[i], cmds[i],
                           std::uint64_t{0});
    });
    for (auto& r : replies)
      REQUIRE(r.ok());
  }
  std::vector<actors::incident_view> before;
  for (auto& id : ids) {
    auto v = f.eng->get(id);
    REQUIRE(v.ok());
    before.push_back(std::move(*v));
  }
  f.reopen();
  for (std::size_t i = 0; i < n; ++i) {
    auto v = f.eng->get(ids[i]);
    REQUIRE(v.ok());
    CHECK(v->state == before[i].state);
    REQUIRE(v->history.size() == before[i].history.size());
    for (std::size_t k = 0; k < v->history.size(); ++k)
      CHECK(v->history[k] == before[i].history[k]);
  }
}

TEST_CASE("100 concurrent identical signals open one incident with 99 repeats") {
  engine_fixture f;
  f.start();
  auto signal = make_open("checkout errors", domain::severity::high, "slo-checkout",
                          domain::incident_source::slo);
  auto replies = concurrently(*f.sys, f.eng->router(), 100, [&](auto& self, auto& router, auto) {
    return self->request(router, caf::infinite, actors::open_atom::value, signal);
  });
  std::set<std::string> ids;
  std::size_t deduplicated = 0;
  for (auto& r : replies) {
    REQUIRE(r.ok());
    ids.insert(r->state.id);
    deduplicated += r->deduplicated ? 1 : 0;
  }
  REQUIRE(ids.size() == 1);
  CHECK(deduplicated == 99);
  auto id = *ids.begin();
  auto view = f.eng->get(id);
  REQUIRE(view.ok());
  CHECK(view->state.occurrences == 100);
  CHECK(count_type(view->history, "IncidentOpened") == 1);
  CHECK(count_type(view->history, "SignalRepeated") == 99);
  CHECK(f.store->find_open({"acme", domain::incident_source::slo, "slo-checkout"}).value() == id);

  REQUIRE(f.eng->execute(id, domain::resolve{"flaky dependency", "ann"}).ok());
  CHECK_FALSE(f.store->find_open({"acme", domain::incident_source::slo, "slo-checkout"})
                .value()
                .has_value());
  auto next = f.eng->open(signal);
  REQUIRE(next.ok());
  CHECK_FALSE(next->deduplicated);
  CHECK(next->state.id != id);
  // Same key, same partition: the dedup entry and the incident live together.
  CHECK(domain::partition_of(next->state.id).value() == domain::partition_of(id).value());

  // The dedup index survives a restart (no in-memory cache to help).
  f.reopen();
  auto again = f.eng->open(signal);
  REQUIRE(again.ok());
  CHECK(again->deduplicated);
  CHECK(again->state.id == next->state.id);
}

TEST_CASE("a repeat racing a resolve folds into the old incident or opens exactly one new one") {
  engine_fixture f;
  f.start();
  auto signal = make_open("queue lag", domain::severity::warning, "lag-1",
                          domain::incident_source::signal);
  auto first = f.eng->open(signal);
  REQUIRE(first.ok());
  auto old_id = first->state.id;
  caf::scoped_actor self{*f.sys};
  auto resolve = self->request(f.eng->router(), caf::infinite, actors::command_atom::value,
                               old_id, domain::incident_command{domain::resolve{"fixed", "ann"}},
                               std::uint64_t{0});
  auto replies = concurrently(*f.sys, f.eng->router(), 50, [&](auto& s, auto& router, auto) {
    return s->request(router, caf::infinite, actors::open_atom::value, signal);
  });
  resolve.receive([](actors::command_reply&) {}, [](caf::error& e) { FAIL(caf::to_string(e)); });
  std::set<std::string> new_ids;
  for (auto& r : replies) {
    REQUIRE(r.ok());
    if (r->state.id != old_id)
      new_ids.insert(r->state.id);
  }
  CHECK(new_ids.size() <= 1);
  auto old_view = f.eng->get(old_id);
  REQUIRE(old_view.ok());
  CHECK(old_view->state.status == incident_status::resolved);
  std::uint32_t total = old_view->state.occurrences;
  if (!new_ids.empty())
    total += f.eng->get(*new_ids.begin())->state.occurrences;
  CHECK(total == 51); // every signal counted exactly once
}

TEST_CASE("two racing commands on one incident: one wins, the other is refused clearly") {
  engine_fixture f;
  f.start();
  auto id = f.eng->open(make_open("disk full", domain::severity::high))->state.id;
  auto acks = concurrently(*f.sys, f.eng->router(), 2, [&](auto& self, auto& router, auto i) {
    return self->request(router, caf::infinite, actors::command_atom::value, id,
                         domain::incident_command{domain::acknowledge{"op" + std::to_string(i)}},
                         std::uint64_t{0});
  });
  CHECK(acks[0].ok() != acks[1].ok());
  auto& loser = acks[0].ok() ? acks[1] : acks[0];
  CHECK(loser.err().code == errc::invalid_transition);

  // With an expected version, the loser gets a version conflict instead.
  auto notes = concurrently(*f.sys, f.eng->router(), 2, [&](auto& self, auto& router, auto i) {
    return self->request(router, caf::infinite, actors::command_atom::value, id,
                         domain::incident_command{domain::add_note{"n" + std::to_string(i), "x"}},
                         std::uint64_t{2});
  });
  CHECK(notes[0].ok() != notes[1].ok());
  CHECK((notes[0].ok() ? notes[1] : notes[0]).err().code == errc::version_conflict);
}

TEST_CASE("idle incidents are passivated and reactivated from snapshot + tail") {
  engine_fixture f;
  f.engine_opts.passivate_after = std::chrono::milliseconds{50};
  f.start();
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto id = f.eng->open(make_open("p" + std::to_string(i), domain::severity::warning))->state.id;
    for (int k = 0; k < 7; ++k) // crosses the snapshot boundary (snapshot_every = 5)
      REQUIRE(f.eng->execute(id, domain::add_note{"n" + std::to_string(k), "x"}).ok());
    ids.push_back(id);
  }
  std::vector<domain::incident_state> before;
  for (auto& id : ids)
    before.push_back(f.eng->get(id)->state);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (f.eng->stats().active_actors > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  auto s = f.eng->stats();
  CHECK(s.active_actors == 0);
  CHECK(s.passivations >= 20);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto v = f.eng->get(ids[i]);
    REQUIRE(v.ok());
    CHECK(v->state == before[i]);
    CHECK(f.eng->execute(ids[i], domain::acknowledge{"late"}).ok());
  }
}
