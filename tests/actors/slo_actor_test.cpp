// SLO actors on the real pipeline (LMDB, actor system, engine, aggregation): an error burst
// opens an incident with source slo and exemplars of the breaching spans, a burst after the
// re-notify interval repeats on the same incident, recovery is noted, a burst after resolution
// opens a new incident; a restart mid-window is stale for the gap and keeps the breach; invalid
// definitions are refused naming the field; config SLOs yield to API changes.
#include "actors/slo_fixture.hpp"

#include "persistence/slo_codec.hpp"

#include <algorithm>
#include <set>

using namespace tocsin;
using namespace tocsin::test;

namespace {

domain::incident_state incident(slo_fixture& f, const std::string& id) {
  auto v = f.eng->get(id);
  REQUIRE(v.ok());
  return v->state;
}

bool has_note(const domain::incident_state& s, const std::string& text) {
  return std::any_of(s.notes.begin(), s.notes.end(),
                     [&](const domain::note& n) { return n.text.find(text) != std::string::npos; });
}

// Hex trace ids of the error spans the next feed() creates (errors come first in a batch).
std::set<std::string> next_error_traces(const slo_fixture& f, int errors) {
  std::set<std::string> out;
  for (int i = 0; i < errors; ++i) {
    domain::trace_id t{};
    const auto n = f.next_trace + static_cast<std::uint64_t>(i);
    for (int k = 0; k < 8; ++k)
      t[15 - k] = static_cast<std::uint8_t>(n >> (8 * k));
    out.insert(domain::to_hex(t));
  }
  return out;
}

} // namespace

TEST_CASE("an error burst opens an SLO incident, repeats fold in, recovery is noted, after "
          "resolution a new burst opens a new incident", "[slo]") {
  slo_fixture f;
  f.start();
  REQUIRE(f.slos->apply({fast_slo()}).ok());
  f.steady(12);
  REQUIRE(eventually([&] { return f.status().status.health == domain::slo_health::healthy; }));
  CHECK(f.open_incident("checkout-availability").empty());

  // Burst: 100 errors among 110 calls; 10 s and 2 s windows both burn above 2x.
  f.clock.advance(sec);
  const auto burst_traces = next_error_traces(f, 100);
  f.feed(10, 100);
  std::string first;
  REQUIRE(eventually([&] { return !(first = f.open_incident("checkout-availability")).empty(); }));
  auto inc = incident(f, first);
  CHECK(inc.source == domain::incident_source::slo);
  CHECK(inc.source_id == "checkout-availability");
  CHECK(inc.tenant == "acme");
  CHECK(inc.sev == domain::severity::high);
  CHECK(inc.cat == domain::category::reliability);
  CHECK_THAT(inc.title, Catch::Contains("checkout-availability") && Catch::Contains("fast-burn"));
  REQUIRE(!inc.exemplars.empty());
  for (const auto& e : inc.exemplars)
    CHECK(burst_traces.count(e.trace_id) == 1);
  CHECK(inc.attr.trace_id == inc.exemplars.front().trace_id);
  CHECK(inc.attr.artifact_id == "artifact-7");
  CHECK(inc.attr.agent_id == "agent-3");
  CHECK(inc.attr.skill_id == "skill-9");
  CHECK(inc.occurrences == 1);
  auto st = f.status();
  CHECK(st.status.breaching);
  CHECK(st.breach.breaching);
  CHECK(st.incident_id == first);

  // Still breaching past the re-notify interval (3 s of clock time): one SignalRepeated.
  for (int i = 0; i < 4; ++i) {
    f.clock.advance(sec);
    f.feed(5, 60);
  }
  REQUIRE(eventually([&] { return incident(f, first).occurrences >= 2; }));
  CHECK(f.open_incident("checkout-availability") == first);
  CHECK(incident(f, first).occurrences <= 3); // at most one repeat per 3 s, never per batch

  // Recovery: good traffic only; the 2 s window turns complete and cold.
  f.steady(4, 50);
  REQUIRE(eventually([&] { return has_note(incident(f, first), "recovered"); }));
  CHECK(f.status().status.health == domain::slo_health::healthy);
  CHECK_FALSE(f.status().breach.breaching);

  auto resolved = f.eng->execute(first, domain::resolve{"bad deploy rolled back", "test"});
  REQUIRE(resolved.ok());
  CHECK(f.open_incident("checkout-availability").empty());

  f.clock.advance(sec);
  f.feed(10, 300);
  std::string second;
  REQUIRE(eventually([&] { return !(second = f.open_incident("checkout-availability")).empty(); }));
  CHECK(second != first);
  CHECK(incident(f, second).occurrences == 1);
  CHECK(incident(f, first).status == domain::incident_status::resolved);

  auto stats = f.slos->stats();
  CHECK(stats.breaches >= 2);
  CHECK(stats.repeats >= 1);
  CHECK(stats.recoveries >= 1);
  CHECK(stats.active == 1);
  CHECK(stats.evaluations >= 5); // one per edge at least; data-driven ones are coalesced

  // Deleting a breaching SLO removes its definition and breach state; its incident stays open.
  REQUIRE(f.slos->remove("acme", "checkout-availability").code == domain::errc::ok);
  CHECK(f.slos->status("acme", "checkout-availability").err().code == domain::errc::not_found);
  f.clock.advance(sec);
  f.feed(0, 50); // nobody watches any more
  for (const auto& key : {persistence::slo_key("acme", "checkout-availability"),
                          persistence::slo_state_key("acme", "checkout-availability")})
    CHECK_FALSE(f.store->get(persistence::kv_db::definitions, key).value());
  CHECK(f.open_incident("checkout-availability") == second);
  CHECK(eventually([&] { return f.slos->stats().active == 0; }));
}

TEST_CASE("a restart mid-window is stale for the gap, keeps the breach, and recovers later",
          "[slo][stale]") {
  slo_fixture f;
  f.start();
  REQUIRE(f.slos->apply({fast_slo()}).ok());
  f.steady(12);
  f.clock.advance(sec);
  f.feed(10, 100);
  std::string id;
  REQUIRE(eventually([&] { return !(id = f.open_incident("checkout-availability")).empty(); }));
  // The breach state is durable once the router answered.
  REQUIRE(eventually([&] {
    auto v = f.store->get(persistence::kv_db::definitions,
                          persistence::slo_state_key("acme", "checkout-availability"));
    persistence::stored_slo_state s;
    return v.ok() && *v && persistence::decode_slo_state(**v, s).code == domain::errc::ok
           && s.breach.breaching && s.incident_id == id;
  }));

  // Down for 3 s: the open window of the burst is lost.
  f.stop();
  f.clock.advance(3 * sec);
  f.start();
  auto after = f.status();
  CHECK(after.status.stale);
  CHECK(after.status.health != domain::slo_health::healthy);
  CHECK(after.status.partial);
  CHECK(after.breach.breaching); // held, neither recovered nor forgotten
  CHECK(after.incident_id == id);
  // Stale evaluations signal nothing: no new incident, no repeat.
  for (int i = 0; i < 10; ++i)
    CHECK(f.status().status.health != domain::slo_health::healthy);
  CHECK(f.open_incident("checkout-availability") == id);
  CHECK(incident(f, id).occurrences == 1);

  // Fresh traffic after the gap: the short window becomes complete and cold, so it recovers,
  // and the recovery is noted on the incident opened before the restart.
  f.steady(5, 50);
  REQUIRE(eventually([&] { return f.status().status.health == domain::slo_health::healthy; }));
  REQUIRE(eventually([&] { return has_note(incident(f, id), "recovered"); }));
  CHECK(f.open_incident("checkout-availability") == id);
  CHECK(incident(f, id).occurrences == 1);
}

TEST_CASE("SLOs without data are stale, never healthy", "[slo][stale]") {
  slo_fixture f;
  f.start();
  REQUIRE(f.slos->apply({fast_slo()}).ok());
  auto s = f.status();
  CHECK(s.status.stale);
  CHECK(s.status.health == domain::slo_health::unknown);
  CHECK_FALSE(s.status.sli);
  f.steady(12);
  REQUIRE(eventually([&] { return f.status().status.health == domain::slo_health::healthy; }));
  CHECK(f.status().status.sli.value_or(0) == Approx(1.0));
  CHECK(f.open_incident("checkout-availability").empty());
}

TEST_CASE("invalid SLO definitions are refused naming the field and nothing is stored", "[slo]") {
  slo_fixture f;
  f.start();
  auto bad_target = fast_slo();
  bad_target.target = 1.5;
  auto r = f.slos->apply({fast_slo("other"), bad_target});
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == domain::errc::invalid_argument);
  CHECK_THAT(r.err().message,
             Catch::Contains("checkout-availability") && Catch::Contains("target"));

  auto bad_windows = fast_slo();
  bad_windows.conditions[0].short_window = 20 * sec;
  r = f.slos->apply({bad_windows});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.err().message, Catch::Contains("conditions[0].short_window"));

  auto slash = fast_slo("a/b");
  CHECK_THAT(f.slos->apply({slash}).err().message, Catch::Contains("id: must not contain"));
  CHECK_THAT(f.slos->apply({fast_slo(), fast_slo()}).err().message, Catch::Contains("twice"));

  CHECK(f.slos->list("acme")->empty());
  auto stored = f.store->scan(persistence::kv_db::definitions, "slo", "", 10);
  REQUIRE(stored.ok());
  CHECK(stored->empty());
  CHECK(f.slos->status("acme", "checkout-availability").err().code == domain::errc::not_found);
}

TEST_CASE("SLO definitions persist, config SLOs apply when changed, deletes stick", "[slo]") {
  slo_fixture f;
  f.start();
  auto from_file = fast_slo();
  REQUIRE(f.slos->apply_config({from_file}).code == domain::errc::ok);
  auto got = f.slos->get("acme", "checkout-availability");
  REQUIRE(got.ok());
  CHECK(got->source == "config");
  CHECK(got->definition == from_file);

  auto from_api = fast_slo();
  from_api.target = 0.95;
  REQUIRE(f.slos->apply({from_api}, "api", "# yaml text").ok());
  REQUIRE(f.slos->apply({fast_slo("second")}).ok());
  f.restart();
  REQUIRE(f.slos->apply_config({from_file}).code == domain::errc::ok); // file unchanged
  got = f.slos->get("acme", "checkout-availability");
  REQUIRE(got.ok());
  CHECK(got->source == "api");
  CHECK(got->definition.target == 0.95);
  CHECK(got->yaml == "# yaml text");
  auto all = f.slos->list("acme");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].definition.id == "checkout-availability");
  CHECK((*all)[1].definition.id == "second");
  CHECK(eventually([&] { return f.slos->stats().active == 2; }));

  auto edited = fast_slo();
  edited.target = 0.8;
  f.restart();
  REQUIRE(f.slos->apply_config({edited}).code == domain::errc::ok); // file changed
  CHECK(f.slos->get("acme", "checkout-availability")->definition.target == 0.8);

  REQUIRE(f.slos->remove("acme", "checkout-availability").code == domain::errc::ok);
  CHECK(f.slos->remove("acme", "checkout-availability").code == domain::errc::not_found);
  f.restart();
  REQUIRE(f.slos->apply_config({edited}).code == domain::errc::ok);
  CHECK(f.slos->get("acme", "checkout-availability").err().code == domain::errc::not_found);
  CHECK(f.slos->list("acme")->size() == 1);
  CHECK(f.slos->list("globex")->empty());
}
