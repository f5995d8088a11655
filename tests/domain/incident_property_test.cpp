// Property: for random valid command sequences, replaying the journal rebuilds the live state,
// from scratch or from any snapshot (DESIGN.md §3: snapshot + tail replay == full replay).
#include "domain/envelope.hpp"
#include "domain/incident.hpp"
#include "domain/ulid.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace tocsin::domain;

namespace {

constexpr int seeds = 200;

std::uint64_t below(splitmix64& rnd, std::uint64_t n) { return rnd.next() % n; }

std::string word(splitmix64& rnd, const char* prefix) {
  return std::string(prefix) + "-" + std::to_string(below(rnd, 1000));
}

std::vector<exemplar> exemplars(splitmix64& rnd, timestamp at) {
  std::vector<exemplar> out(below(rnd, 4));
  for (auto& e : out)
    e = exemplar{word(rnd, "trace"), word(rnd, "span"), "", word(rnd, "agent"), "",
                 static_cast<double>(below(rnd, 500)), at};
  return out;
}

open_incident random_open(splitmix64& rnd, timestamp now) {
  auto id = make_ulid(now, static_cast<std::uint16_t>(below(rnd, 16)), rnd);
  return open_incident{id.str(),
                       word(rnd, "tenant"),
                       word(rnd, "title"),
                       static_cast<severity>(below(rnd, 4)),
                       static_cast<incident_source>(below(rnd, 5)),
                       word(rnd, "source"),
                       static_cast<category>(below(rnd, 5)),
                       attribution{word(rnd, "artifact"), "", "", word(rnd, "trace")},
                       exemplars(rnd, now),
                       "tocsind"};
}

escalate random_escalate(splitmix64& rnd, const incident_state& s) {
  escalate c{static_cast<escalation_reason>(below(rnd, 3)), std::nullopt, word(rnd, "by")};
  if (below(rnd, 2) == 0)
    c.step = escalation_step{static_cast<std::uint32_t>(s.escalations.size() + 1),
                             word(rnd, "role"), {word(rnd, "channel")}};
  return c;
}

// A valid command for `verb` in state `s`.
incident_command random_command(std::string_view verb, const incident_state& s,
                                splitmix64& rnd, timestamp now) {
  const std::string by = word(rnd, "by");
  if (verb == "open") return random_open(rnd, now);
  if (verb == "acknowledge") return acknowledge{by};
  if (verb == "investigate") return begin_investigation{by};
  if (verb == "mitigate") return apply_mitigation{word(rnd, "mitigation"), by};
  if (verb == "escalate") return random_escalate(rnd, s);
  if (verb == "engage") return engage_on_call{by};
  if (verb == "resolve") return resolve{word(rnd, "root-cause"), by};
  if (verb == "note") return add_note{word(rnd, "note"), by};
  return repeat_signal{exemplars(rnd, now)};
}

struct history {
  std::vector<incident_event> events;
  std::vector<incident_state> snapshots; // snapshots[k]: the live state after k events
  std::vector<envelope> envelopes;
};

// Runs one random valid sequence, folding events as they are decided.
history run_seed(std::uint64_t seed) {
  splitmix64 rnd(seed);
  manual_clock clk(1'700'000'000 * nanos_per_second + static_cast<timestamp>(seed));
  history h;
  h.snapshots.push_back(incident_state{});
  const auto steps = 1 + below(rnd, 60);
  for (std::uint64_t i = 0; i < steps; ++i) {
    const incident_state& live = h.snapshots.back();
    const auto moves = allowed_moves(live);
    const auto verb = moves[below(rnd, moves.size())];
    const auto cmd = random_command(verb, live, rnd, clk.now());
    auto evs = decide(live, cmd, clk.now());
    INFO("seed " << seed << " step " << i << " " << verb << ": "
                 << (evs.ok() ? "" : evs.err().message));
    REQUIRE(evs.ok());
    auto envs = make_envelopes(live, 3, *evs);
    h.envelopes.insert(h.envelopes.end(), envs.begin(), envs.end());
    for (const auto& e : *evs) {
      CHECK(event_time(e) == clk.now());
      h.events.push_back(e);
      h.snapshots.push_back(apply(h.snapshots.back(), e));
    }
    clk.advance(static_cast<timestamp>(below(rnd, 600)) * nanos_per_second); // 0 included
  }
  return h;
}

incident_state replay(incident_state from, const std::vector<incident_event>& evs,
                      std::size_t first) {
  for (std::size_t i = first; i < evs.size(); ++i) from = apply(std::move(from), evs[i]);
  return from;
}

void check_invariants(const incident_state& s) {
  CHECK(s.occurrences >= 1);
  CHECK(s.exemplars.size() <= max_exemplars);
  CHECK(s.updated_at >= s.last_seen);
  if (s.status == incident_status::resolved) CHECK_FALSE(s.root_cause.empty());
  CHECK(s.entered_at[static_cast<std::size_t>(s.status)] != 0);
}

} // namespace

TEST_CASE("full replay and snapshot + tail replay rebuild the live state",
          "[incident][property]") {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    INFO("seed " << seed);
    const history h = run_seed(seed);
    const incident_state& live = h.snapshots.back();
    REQUIRE(live.exists());
    CHECK(live.version == h.events.size());
    CHECK(replay(incident_state{}, h.events, 0) == live);
    for (std::size_t k = 0; k <= h.events.size(); ++k) {
      INFO("cut at " << k);
      CHECK(h.snapshots[k].version == k);
      CHECK(replay(h.snapshots[k], h.events, k) == live);
    }
    check_invariants(live);
  }
}

TEST_CASE("envelopes of a random history are numbered 1..N without gaps",
          "[incident][property]") {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    INFO("seed " << seed);
    const history h = run_seed(seed);
    const incident_state& live = h.snapshots.back();
    REQUIRE(h.envelopes.size() == h.events.size());
    for (std::size_t i = 0; i < h.envelopes.size(); ++i) {
      const auto& env = h.envelopes[i];
      CHECK(env.sequence == i + 1);
      CHECK(env.event_id == live.id + "/" + std::to_string(i + 1));
      CHECK(env.aggregate_id == live.id);
      CHECK(env.tenant == live.tenant);
      CHECK(env.trace_id == live.attr.trace_id);
      CHECK(env.payload == h.events[i]);
    }
  }
}

TEST_CASE("random histories exercise every event and state", "[incident][property]") {
  std::set<std::string_view> types;
  std::set<incident_status> statuses;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const history h = run_seed(seed);
    for (const auto& e : h.events) types.insert(event_type(e));
    for (std::size_t k = 1; k < h.snapshots.size(); ++k) statuses.insert(h.snapshots[k].status);
  }
  CHECK(types.size() == std::variant_size_v<incident_event>);
  CHECK(statuses.size() == static_cast<std::size_t>(status_count));
}

TEST_CASE("the same seed yields the same history", "[incident][property]") {
  const history a = run_seed(17);
  const history b = run_seed(17);
  CHECK(a.events == b.events);
  CHECK(a.envelopes == b.envelopes);
}
