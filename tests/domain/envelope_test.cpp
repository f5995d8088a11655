// Envelopes: deterministic ids, sequences after the state's version, identity from the state or
// from the opening event.
#include "domain/envelope.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tocsin::domain;

namespace {

const std::string incident_id = "01HZY3M4K5N6P7Q8R9S0T1V2W3";

open_incident open_cmd(severity sev) {
  return open_incident{incident_id, "acme", "checkout latency", sev, incident_source::alert,
                       "alert-7", category::reliability, attribution{"", "", "", "trace-9"},
                       {}, "tocsind"};
}

} // namespace

TEST_CASE("envelopes for an open take identity from the opening event", "[envelope]") {
  auto evs = decide(incident_state{}, open_cmd(severity::critical), 1000);
  REQUIRE(evs.ok());
  auto envs = make_envelopes(incident_state{}, 5, *evs);
  REQUIRE(envs.size() == 2);
  CHECK(envs[0] == envelope{incident_id + "/1", "IncidentOpened", "acme", 5, incident_id, 1,
                            "trace-9", "alert", "alert-7", 1000, (*evs)[0]});
  CHECK(envs[1] == envelope{incident_id + "/2", "IncidentEscalated", "acme", 5, incident_id, 2,
                            "trace-9", "alert", "alert-7", 1000, (*evs)[1]});
}

TEST_CASE("envelopes for an existing incident continue its sequence", "[envelope]") {
  incident_state s;
  auto opened = decide(s, open_cmd(severity::high), 1000);
  REQUIRE(opened.ok());
  for (const auto& e : *opened) s = apply(s, e);
  s = apply(s, incident_event{note_added{"a", "ann", 1500}});
  auto evs = decide(s, add_note{"b", "bob"}, 2000);
  REQUIRE(evs.ok());
  auto envs = make_envelopes(s, 0, *evs);
  REQUIRE(envs.size() == 1);
  CHECK(envs[0].sequence == 3);
  CHECK(envs[0].event_id == incident_id + "/3");
  CHECK(envs[0].type == "NoteAdded");
  CHECK(envs[0].tenant == "acme");
  CHECK(envs[0].source == "alert");
  CHECK(envs[0].source_id == "alert-7");
  CHECK(envs[0].trace_id == "trace-9");
  CHECK(envs[0].occurred_at == 2000);
  CHECK(envs[0].partition == 0);
}

TEST_CASE("envelope equality sees every field", "[envelope]") {
  envelope a{"x/1", "NoteAdded", "acme", 1, "x", 1, "t", "slo", "s", 9, note_added{"n", "", 9}};
  envelope b = a;
  CHECK(a == b);
  b.partition = 2;
  CHECK_FALSE(a == b);
  b = a;
  b.payload = note_added{"m", "", 9};
  CHECK_FALSE(a == b);
  b = a;
  b.occurred_at = 10;
  CHECK_FALSE(a == b);
}
