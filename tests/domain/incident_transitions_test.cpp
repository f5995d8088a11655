// The transition table of DESIGN.md §4, checked over every (state, command) pair: the seven
// starting points (no incident + six states) times the nine command kinds.
#include "domain/incident.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace tocsin::domain;

namespace {

const std::string incident_id = "01HZY3M4K5N6P7Q8R9S0T1V2W3";
constexpr timestamp t0 = 1'700'000'000 * nanos_per_second;

open_incident open_cmd() {
  return open_incident{incident_id, "acme", "checkout latency", severity::high,
                       incident_source::slo, "slo-checkout", category::reliability, {}, {},
                       "tocsind"};
}

// One valid command of each kind, keyed by its verb.
std::vector<incident_command> one_of_each() {
  return {open_cmd(),
          acknowledge{"ann"},
          begin_investigation{"ann"},
          apply_mitigation{"rolled back v42", "ann"},
          escalate{escalation_reason::manual, escalation_step{1, "sre", {"pager"}}, "ann"},
          engage_on_call{"bob"},
          resolve{"bad deploy", "ann"},
          add_note{"looking at p99", "ann"},
          repeat_signal{{exemplar{"trace-1", "span-1", "", "", "", 2.5, t0}}}};
}

incident_state run(std::vector<incident_command> cmds) {
  incident_state s;
  timestamp now = t0;
  for (const auto& c : cmds) {
    auto evs = decide(s, c, now += nanos_per_second);
    REQUIRE(evs.ok());
    for (const auto& e : *evs) s = apply(s, e);
  }
  return s;
}

// The starting points, by name ("none" = the incident does not exist).
std::map<std::string, incident_state> starting_points() {
  return {
      {"none", incident_state{}},
      {"open", run({open_cmd()})},
      {"acknowledged", run({open_cmd(), acknowledge{}})},
      {"investigating", run({open_cmd(), acknowledge{}, begin_investigation{}})},
      {"mitigated", run({open_cmd(), acknowledge{}, begin_investigation{},
                         apply_mitigation{"flag off", ""}})},
      {"escalated", run({open_cmd(), escalate{escalation_reason::timer, std::nullopt, ""}})},
      {"resolved", run({open_cmd(), resolve{"false positive", ""}})},
  };
}

struct expected {
  std::optional<errc> refusal;             // set: the command must be refused with this code
  std::vector<std::string> event_types;    // otherwise: these events, in order
  std::optional<incident_status> status{}; // and this resulting state
};

expected refused(errc code) { return {code, {}, std::nullopt}; }
expected yields(std::vector<std::string> types, incident_status to) { return {{}, types, to}; }

using st = incident_status;
const auto bad = errc::invalid_transition;
const auto gone = errc::incident_resolved;
const auto dup = errc::already_exists;

// Columns: open, acknowledge, investigate, mitigate, escalate, engage, resolve, note, repeat.
std::map<std::string, std::vector<expected>> table() {
  auto note = [](st s) { return yields({"NoteAdded"}, s); };
  auto repeat = [](st s) { return yields({"SignalRepeated"}, s); };
  auto escalated = yields({"IncidentEscalated", "EscalationStepTaken"}, st::escalated);
  auto resolved = yields({"IncidentResolved"}, st::resolved);
  auto nf = refused(errc::not_found);
  return {
      {"none", {yields({"IncidentOpened"}, st::open), nf, nf, nf, nf, nf, nf, nf, nf}},
      {"open", {refused(dup), yields({"IncidentAcknowledged"}, st::acknowledged), refused(bad),
                refused(bad), escalated, refused(bad), resolved, note(st::open),
                repeat(st::open)}},
      {"acknowledged", {refused(dup), refused(bad),
                        yields({"InvestigationStarted"}, st::investigating), refused(bad),
                        refused(bad), refused(bad), refused(bad), note(st::acknowledged),
                        repeat(st::acknowledged)}},
      {"investigating", {refused(dup), refused(bad), refused(bad),
                         yields({"MitigationApplied"}, st::mitigated), escalated, refused(bad),
                         resolved, note(st::investigating), repeat(st::investigating)}},
      {"mitigated", {refused(dup), refused(bad), refused(bad), refused(bad), refused(bad),
                     refused(bad), resolved, note(st::mitigated), repeat(st::mitigated)}},
      {"escalated", {refused(dup), refused(bad), refused(bad), refused(bad),
                     yields({"EscalationStepTaken"}, st::escalated),
                     yields({"OnCallEngaged"}, st::investigating), refused(bad),
                     note(st::escalated), repeat(st::escalated)}},
      {"resolved", {refused(dup), refused(gone), refused(gone), refused(gone), refused(gone),
                    refused(gone), refused(gone), note(st::resolved), refused(gone)}},
  };
}

std::string joined(const std::vector<std::string_view>& moves) {
  std::string out;
  for (auto m : moves) out.append(out.empty() ? "" : ", ").append(m);
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void check_success(const incident_state& before, const incident_command& cmd, timestamp now,
                   const expected& want) {
  auto r = decide(before, cmd, now);
  REQUIRE(r.ok());
  std::vector<std::string> types;
  for (const auto& e : *r) {
    types.emplace_back(event_type(e));
    CHECK(event_time(e) == now);
  }
  CHECK(types == want.event_types);
  incident_state after = before;
  for (const auto& e : *r) after = apply(after, e);
  CHECK(after.status == *want.status);
  CHECK(after.version == before.version + r->size());
  CHECK(after.updated_at == now);
  if (after.status != before.status || !before.exists())
    CHECK(after.entered_at[static_cast<std::size_t>(after.status)] == now);
}

void check_refusal(const incident_state& before, const incident_command& cmd, timestamp now,
                   errc want) {
  const incident_state copy = before;
  auto r = decide(before, cmd, now);
  REQUIRE_FALSE(r.ok());
  CHECK(to_string(r.err().code) == to_string(want));
  CHECK(before == copy);
  const auto& msg = r.err().message;
  CHECK(contains(msg, "cannot " + std::string(command_name(cmd)) + " incident "));
  CHECK(contains(msg, "allowed: " + joined(allowed_moves(before))));
  if (before.exists()) {
    CHECK(contains(msg, before.id));
    CHECK(contains(msg, "it is " + std::string(to_string(before.status))));
  } else {
    CHECK(contains(msg, "does not exist"));
  }
}

} // namespace

TEST_CASE("every (state, command) pair is allowed or refused as the table says",
          "[incident][transitions]") {
  auto starts = starting_points();
  auto rows = table();
  REQUIRE(rows.size() == 7);
  const timestamp now = t0 + 3600 * nanos_per_second;
  for (const auto& [name, before] : starts) {
    const auto& row = rows.at(name);
    REQUIRE(row.size() == 9);
    std::vector<std::string_view> accepted;
    for (const auto& cmd : one_of_each()) {
      const auto verb = command_name(cmd);
      const auto column = static_cast<std::size_t>(cmd.index());
      INFO("state " << name << ", command " << verb);
      if (row[column].refusal) {
        check_refusal(before, cmd, now, *row[column].refusal);
      } else {
        check_success(before, cmd, now, row[column]);
        accepted.push_back(verb);
      }
    }
    INFO("state " << name);
    CHECK(accepted == allowed_moves(before)); // the table and allowed_moves() agree
  }
}

TEST_CASE("starting points are in the states they are named after", "[incident][transitions]") {
  for (const auto& [name, s] : starting_points()) {
    if (name == "none") CHECK_FALSE(s.exists());
    else CHECK(to_string(s.status) == name);
  }
}

TEST_CASE("allowed_moves lists verbs in the fixed order", "[incident][transitions]") {
  auto starts = starting_points();
  using v = std::vector<std::string_view>;
  CHECK(allowed_moves(starts["none"]) == v{"open"});
  CHECK(allowed_moves(starts["open"]) == v{"acknowledge", "escalate", "resolve", "note", "repeat"});
  CHECK(allowed_moves(starts["acknowledged"]) == v{"investigate", "note", "repeat"});
  CHECK(allowed_moves(starts["investigating"])
        == v{"mitigate", "escalate", "resolve", "note", "repeat"});
  CHECK(allowed_moves(starts["mitigated"]) == v{"resolve", "note", "repeat"});
  CHECK(allowed_moves(starts["escalated"]) == v{"escalate", "engage", "note", "repeat"});
  CHECK(allowed_moves(starts["resolved"]) == v{"note"});
}

TEST_CASE("refusal message reads as documented", "[incident][transitions]") {
  auto s = starting_points()["investigating"];
  auto r = decide(s, acknowledge{"ann"}, t0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().message
        == "cannot acknowledge incident " + incident_id
               + ": it is investigating; allowed: mitigate, escalate, resolve, note, repeat");
}

TEST_CASE("resolve without a root cause is refused wherever resolve is allowed",
          "[incident][transitions]") {
  auto starts = starting_points();
  for (const char* name : {"open", "investigating", "mitigated"}) {
    for (const char* blank : {"", "   ", "\t\n "}) {
      INFO(name << " with root cause '" << blank << "'");
      const auto& s = starts.at(name);
      auto r = decide(s, resolve{blank, "ann"}, t0);
      REQUIRE_FALSE(r.ok());
      CHECK(r.err().code == errc::root_cause_required);
      CHECK(contains(r.err().message, "root cause"));
      CHECK(contains(r.err().message, "it is " + std::string(name)));
      CHECK(contains(r.err().message, "allowed: " + joined(allowed_moves(s))));
    }
  }
}

TEST_CASE("resolve from a state without that move is a transition error, root cause or not",
          "[incident][transitions]") {
  auto starts = starting_points();
  for (const char* name : {"acknowledged", "escalated"}) {
    INFO(name);
    CHECK(decide(starts.at(name), resolve{"", ""}, t0).err().code == errc::invalid_transition);
    CHECK(decide(starts.at(name), resolve{"rc", ""}, t0).err().code == errc::invalid_transition);
  }
}
