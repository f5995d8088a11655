// The incident aggregate, command by command: exact events from decide, exact state from apply.
#include "domain/incident.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tocsin::domain;

namespace {

const std::string incident_id = "01HZY3M4K5N6P7Q8R9S0T1V2W3";

exemplar sample(int n, timestamp at) {
  return exemplar{"trace-" + std::to_string(n), "span-" + std::to_string(n), "artifact-a",
                  "agent-b", "skill-c", 0.5 * n, at};
}

open_incident open_cmd(severity sev = severity::high) {
  return open_incident{incident_id,
                       "acme",
                       "checkout latency",
                       sev,
                       incident_source::slo,
                       "slo-checkout",
                       category::performance,
                       attribution{"artifact-a", "agent-b", "skill-c", "trace-0"},
                       {sample(0, 5)},
                       "tocsind"};
}

// Decides and folds, failing the test on refusal.
incident_state step(incident_state s, const incident_command& cmd, timestamp now) {
  auto evs = decide(s, cmd, now);
  INFO((evs.ok() ? std::string() : evs.err().message));
  REQUIRE(evs.ok());
  for (const auto& e : *evs) s = apply(s, e);
  return s;
}

using events = std::vector<incident_event>;

} // namespace

TEST_CASE("open yields IncidentOpened and an Open incident", "[incident]") {
  manual_clock clk;
  auto evs = decide(incident_state{}, open_cmd(), clk.now());
  REQUIRE(evs.ok());
  const auto c = open_cmd();
  CHECK(*evs == events{incident_opened{c.id, c.tenant, c.title, c.sev, c.source, c.source_id,
                                       c.cat, c.attr, c.exemplars, c.by, clk.now()}});
  auto s = apply(incident_state{}, evs->front());
  CHECK(s.id == incident_id);
  CHECK(s.tenant == "acme");
  CHECK(s.title == "checkout latency");
  CHECK(s.sev == severity::high);
  CHECK(s.source == incident_source::slo);
  CHECK(s.source_id == "slo-checkout");
  CHECK(s.cat == category::performance);
  CHECK(s.attr == c.attr);
  CHECK(s.exemplars == c.exemplars);
  CHECK(s.status == incident_status::open);
  CHECK(s.occurrences == 1);
  CHECK(s.last_seen == clk.now());
  CHECK(s.updated_at == clk.now());
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::open)] == clk.now());
  CHECK(s.version == 1);
  CHECK(is_active(s));
}

TEST_CASE("critical incidents go straight to Escalated on open", "[incident]") {
  manual_clock clk;
  auto evs = decide(incident_state{}, open_cmd(severity::critical), clk.now());
  REQUIRE(evs.ok());
  REQUIRE(evs->size() == 2);
  CHECK(event_type((*evs)[0]) == "IncidentOpened");
  CHECK((*evs)[1] == incident_event{incident_escalated{escalation_reason::severity, "tocsind",
                                                       clk.now()}});
  incident_state s;
  for (const auto& e : *evs) s = apply(s, e);
  CHECK(s.status == incident_status::escalated);
  CHECK(s.last_escalation == escalation_reason::severity);
  CHECK(s.version == 2);
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::open)] == clk.now());
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::escalated)] == clk.now());
}

TEST_CASE("open validates id, tenant and title", "[incident]") {
  auto refused_with = [](open_incident c) {
    auto r = decide(incident_state{}, c, 1);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::invalid_argument);
    CHECK(r.err().message.find("cannot open incident") != std::string::npos);
    return r.err().message;
  };
  auto c = open_cmd();
  c.id = "not-a-ulid";
  CHECK(refused_with(c).find("not-a-ulid") != std::string::npos);
  c = open_cmd();
  c.id = "";
  refused_with(c);
  c = open_cmd();
  c.tenant = "";
  CHECK(refused_with(c).find("tenant") != std::string::npos);
  c = open_cmd();
  c.title = "  ";
  CHECK(refused_with(c).find("title") != std::string::npos);
  CHECK(decide(incident_state{}, open_cmd(), 1).ok());
}

TEST_CASE("commands on a missing incident are not_found", "[incident]") {
  auto r = decide(incident_state{}, acknowledge{"ann"}, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_found);
  CHECK(r.err().message.find("allowed: open") != std::string::npos);
}

TEST_CASE("the happy path folds every event as documented", "[incident]") {
  manual_clock clk;
  auto s = step({}, open_cmd(), clk.now());
  const timestamp opened = clk.now();

  clk.advance(10 * nanos_per_second);
  auto evs = decide(s, acknowledge{"ann"}, clk.now());
  CHECK(*evs == events{incident_acknowledged{"ann", clk.now()}});
  s = apply(s, evs->front());
  CHECK(s.status == incident_status::acknowledged);

  clk.advance(nanos_per_second);
  evs = decide(s, begin_investigation{"ann"}, clk.now());
  CHECK(*evs == events{investigation_started{"ann", clk.now()}});
  s = apply(s, evs->front());
  CHECK(s.status == incident_status::investigating);

  clk.advance(nanos_per_second);
  evs = decide(s, apply_mitigation{"rolled back v42", "ann"}, clk.now());
  CHECK(*evs == events{mitigation_applied{"rolled back v42", "ann", clk.now()}});
  s = apply(s, evs->front());
  CHECK(s.status == incident_status::mitigated);
  CHECK(s.mitigation == "rolled back v42");

  clk.advance(nanos_per_second);
  evs = decide(s, resolve{"bad deploy", "ann"}, clk.now());
  CHECK(*evs == events{incident_resolved{"bad deploy", "ann", clk.now()}});
  s = apply(s, evs->front());
  CHECK(s.status == incident_status::resolved);
  CHECK(s.root_cause == "bad deploy");
  CHECK(s.version == 5);
  CHECK(s.updated_at == clk.now());
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::open)] == opened);
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::resolved)] == clk.now());
  CHECK_FALSE(is_active(s));
}

TEST_CASE("Open resolves directly when a root cause is recorded", "[incident]") {
  auto s = step({}, open_cmd(), 100);
  s = step(s, resolve{"false positive", "ann"}, 200);
  CHECK(s.status == incident_status::resolved);
  CHECK(s.root_cause == "false positive");
}

TEST_CASE("escalation from Open and Investigating, steps while Escalated", "[incident]") {
  const escalation_step first{1, "sre", {"pager", "slack"}};
  auto s = step({}, open_cmd(), 100);

  auto evs = decide(s, escalate{escalation_reason::timer, first, "timer"}, 200);
  CHECK(*evs == events{incident_escalated{escalation_reason::timer, "timer", 200},
                       escalation_step_taken{first, 200}});
  for (const auto& e : *evs) s = apply(s, e);
  CHECK(s.status == incident_status::escalated);
  CHECK(s.escalations == std::vector<escalation_record>{{escalation_reason::timer, first, 200}});

  const escalation_step second{2, "manager", {"phone"}};
  evs = decide(s, escalate{escalation_reason::timer, second, "timer"}, 300);
  CHECK(*evs == events{escalation_step_taken{second, 300}});
  s = apply(s, evs->front());
  CHECK(s.status == incident_status::escalated);

  evs = decide(s, escalate{escalation_reason::manual, std::nullopt, "ann"}, 400);
  CHECK(*evs == events{escalation_step_taken{escalation_step{3, "", {}}, 400}});
  s = apply(s, evs->front());
  CHECK(s.escalations.size() == 3);
  CHECK(s.escalations.back().reason == escalation_reason::timer); // belongs to the escalation

  evs = decide(s, engage_on_call{"bob"}, 500);
  CHECK(*evs == events{on_call_engaged{"bob", 500}});
  s = apply(s, evs->front());
  CHECK(s.status == incident_status::investigating);

  evs = decide(s, escalate{escalation_reason::manual, std::nullopt, "ann"}, 600);
  CHECK(*evs == events{incident_escalated{escalation_reason::manual, "ann", 600}});
  s = apply(s, evs->front());
  CHECK(s.last_escalation == escalation_reason::manual);
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::escalated)] == 600);
  CHECK(s.entered_at[static_cast<std::size_t>(incident_status::investigating)] == 500);
}

TEST_CASE("mitigation and notes need text", "[incident]") {
  auto s = step({}, open_cmd(), 1);
  s = step(s, acknowledge{}, 2);
  s = step(s, begin_investigation{}, 3);
  CHECK(decide(s, apply_mitigation{" ", "ann"}, 4).err().code == errc::invalid_argument);
  CHECK(decide(s, add_note{"", "ann"}, 4).err().code == errc::invalid_argument);
  auto evs = decide(s, add_note{"p99 back to normal", "ann"}, 4);
  CHECK(*evs == events{note_added{"p99 back to normal", "ann", 4}});
  s = apply(s, evs->front());
  CHECK(s.notes == std::vector<note>{{"p99 back to normal", "ann", 4}});
  CHECK(s.status == incident_status::investigating);
}

TEST_CASE("Resolved accepts notes and nothing else", "[incident]") {
  auto s = step({}, open_cmd(), 1);
  s = step(s, resolve{"false positive", "ann"}, 2);
  s = step(s, add_note{"post-mortem: alert threshold too tight", "ann"}, 3);
  CHECK(s.notes.size() == 1);
  CHECK(s.status == incident_status::resolved);
  CHECK(s.version == 3);
  auto r = decide(s, repeat_signal{}, 4);
  CHECK(r.err().code == errc::incident_resolved);
  CHECK(r.err().message.find("allowed: note") != std::string::npos);
  CHECK(decide(s, add_note{"", "ann"}, 4).err().code == errc::invalid_argument);
  CHECK(decide(s, open_cmd(), 4).err().code == errc::already_exists);
}

TEST_CASE("repeated signals count occurrences and keep the first exemplars", "[incident]") {
  auto s = step({}, open_cmd(), 10);
  REQUIRE(s.exemplars.size() == 1);
  for (int i = 1; i <= 5; ++i) {
    const timestamp at = 10 + i * 10;
    auto evs = decide(s, repeat_signal{{sample(2 * i, at), sample(2 * i + 1, at)}}, at);
    REQUIRE(evs.ok());
    CHECK(*evs
          == events{signal_repeated{static_cast<std::uint32_t>(i + 1),
                                    {sample(2 * i, at), sample(2 * i + 1, at)}, at}});
    s = apply(s, evs->front());
    CHECK(s.occurrences == static_cast<std::uint32_t>(i + 1));
    CHECK(s.last_seen == at);
  }
  CHECK(s.exemplars.size() == max_exemplars);
  CHECK(s.exemplars.front() == sample(0, 5));
  // Kept: the opening sample 0, then 2..8 from the first four repeats; 9 and later are dropped.
  CHECK(s.exemplars.back() == sample(8, 50));
  CHECK(s.status == incident_status::open);
}

TEST_CASE("event equality compares type and every field", "[incident]") {
  incident_event a = note_added{"x", "ann", 1};
  CHECK(a == incident_event{note_added{"x", "ann", 1}});
  CHECK(a != incident_event{note_added{"x", "ann", 2}});
  CHECK(a != incident_event{note_added{"y", "ann", 1}});
  CHECK(a != incident_event{note_added{"x", "bob", 1}});
  CHECK(incident_event{incident_acknowledged{"ann", 1}}
        != incident_event{investigation_started{"ann", 1}});
  CHECK(incident_event{signal_repeated{2, {}, 1}} != incident_event{signal_repeated{3, {}, 1}});
  CHECK(incident_event{escalation_step_taken{{1, "sre", {"a"}}, 1}}
        != incident_event{escalation_step_taken{{1, "sre", {"b"}}, 1}});
}

TEST_CASE("state equality sees every field", "[incident]") {
  auto s = step({}, open_cmd(), 1);
  auto t = s;
  CHECK(s == t);
  t.entered_at[3] = 9;
  CHECK(s != t);
  t = s;
  t.notes.push_back({"n", "", 0});
  CHECK(s != t);
  t = s;
  t.last_escalation = escalation_reason::timer;
  CHECK(s != t);
  t = s;
  t.updated_at += 1;
  CHECK(s != t);
}

TEST_CASE("event names and times", "[incident]") {
  CHECK(event_type(incident_opened{}) == "IncidentOpened");
  CHECK(event_type(incident_acknowledged{}) == "IncidentAcknowledged");
  CHECK(event_type(investigation_started{}) == "InvestigationStarted");
  CHECK(event_type(mitigation_applied{}) == "MitigationApplied");
  CHECK(event_type(incident_escalated{}) == "IncidentEscalated");
  CHECK(event_type(escalation_step_taken{}) == "EscalationStepTaken");
  CHECK(event_type(on_call_engaged{}) == "OnCallEngaged");
  CHECK(event_type(incident_resolved{}) == "IncidentResolved");
  CHECK(event_type(note_added{}) == "NoteAdded");
  CHECK(event_type(signal_repeated{}) == "SignalRepeated");
  CHECK(event_time(note_added{"", "", 42}) == 42);
  CHECK(command_name(repeat_signal{}) == "repeat");
  CHECK(command_name(begin_investigation{}) == "investigate");
}

TEST_CASE("a repeat re-sending kept exemplars leaves the slots to new evidence", "[incident]") {
  auto s = step({}, open_cmd(), 10);
  REQUIRE(s.exemplars.size() == 1);
  const auto first = s.exemplars.front();
  // An ongoing breach repeats with its window's samples: the opening one again, and a new one.
  auto again = first;
  again.at = 20; // the same span seen in a later evaluation
  auto evs = decide(s, repeat_signal{{again, sample(7, 20)}}, 20);
  REQUIRE(evs.ok());
  s = apply(s, evs->front());
  REQUIRE(s.exemplars.size() == 2);
  CHECK(s.exemplars[0] == first);
  CHECK(s.exemplars[1] == sample(7, 20));
  // Exemplars without ids (metric points) are told apart by their whole content.
  exemplar metric_a{"", "", "art", "", "", 1.5, 30};
  exemplar metric_b{"", "", "art", "", "", 2.5, 30};
  evs = decide(s, repeat_signal{{metric_a, metric_a, metric_b}}, 30);
  REQUIRE(evs.ok());
  s = apply(s, evs->front());
  CHECK(s.exemplars.size() == 4);
}
