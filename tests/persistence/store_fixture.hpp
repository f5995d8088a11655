// Helpers shared by the persistence tests: a self-removing temp directory, ULIDs in a chosen
// partition, envelopes of every incident event kind, and small store options. Single-threaded
// helpers except where noted; test-only.
#pragma once

#include "domain/envelope.hpp"
#include "domain/ulid.hpp"
#include "persistence/store.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace tocsin::persistence::test {

using tocsin::test::temp_dir; // one self-removing temp directory for every test layer

/// Opens a store or fails the test.
inline std::unique_ptr<store> open_store(const store_options& o) {
  auto s = store::open(o);
  REQUIRE(s.ok());
  return std::move(s.value());
}

inline store_options small_options(const std::string& dir, std::uint32_t partitions = 8) {
  store_options o;
  o.dir = dir;
  o.partitions = partitions;
  o.map_size = std::size_t{256} << 20;
  o.sync = sync_mode::no_sync; // process-crash safe; the crash test uses durable
  return o;
}

constexpr domain::timestamp t0 = 1'700'000'000 * domain::nanos_per_second;

/// A deterministic ULID in `partition`, distinct for each `n`.
inline std::string make_id(std::uint16_t partition, std::uint64_t n) {
  domain::splitmix64 rnd(n * 7919 + partition + 1);
  return domain::make_ulid(t0 + static_cast<domain::timestamp>(n), partition, rnd).str();
}

inline std::uint16_t partition_of_id(const std::string& id) {
  return domain::parse_ulid(id)->partition();
}

inline domain::incident_opened opened_event(const std::string& id, domain::timestamp at = t0) {
  domain::incident_opened e;
  e.id = id;
  e.tenant = "acme";
  e.title = "checkout latency burn";
  e.sev = domain::severity::high;
  e.source = domain::incident_source::slo;
  e.source_id = "slo/checkout-latency";
  e.cat = domain::category::performance;
  e.attr = {"artifact-1", "agent-7", "skill-3", "0af7651916cd43dd8448eb211c80319c"};
  e.exemplars = {{"t1", "s1", "artifact-1", "agent-7", "skill-3", 0.75, at - 5},
                 {"t2", "s2", "", "", "", 1.5, at - 3}};
  e.by = "slo-engine";
  e.at = at;
  return e;
}

/// One event of every kind, in an order that is also a legal incident history.
inline std::vector<domain::incident_event> every_event_kind(const std::string& id) {
  using namespace domain;
  return {opened_event(id),
          incident_acknowledged{"alice", t0 + 1},
          investigation_started{"alice", t0 + 2},
          incident_escalated{escalation_reason::timer, "timer", t0 + 3},
          escalation_step_taken{escalation_step{1, "runtime.operator", {"ops-webhook", "pager"}},
                                t0 + 4},
          on_call_engaged{"bob", t0 + 5},
          mitigation_applied{"rolled back deploy 42", "bob", t0 + 6},
          note_added{"root cause confirmed", "bob", t0 + 7},
          signal_repeated{3, {{"t9", "s9", "a", "b", "c", 2.0, t0 + 8}}, t0 + 8},
          incident_resolved{"bad deploy", "bob", t0 + 9}};
}

/// Envelope of `ev` as the `seq`-th event of `id`.
inline domain::envelope envelope_of(const std::string& id, std::uint64_t seq,
                                    domain::incident_event ev) {
  domain::envelope env;
  env.event_id = id + "/" + std::to_string(seq);
  env.type = std::string(domain::event_type(ev));
  env.tenant = "acme";
  env.partition = partition_of_id(id);
  env.aggregate_id = id;
  env.sequence = seq;
  env.trace_id = "0af7651916cd43dd8448eb211c80319c";
  env.source = "slo";
  env.source_id = "slo/checkout-latency";
  env.occurred_at = domain::event_time(ev);
  env.payload = std::move(ev);
  return env;
}

inline domain::envelope note_envelope(const std::string& id, std::uint64_t seq) {
  return envelope_of(id, seq,
                     domain::note_added{"note " + std::to_string(seq), "tester",
                                        t0 + static_cast<domain::timestamp>(seq)});
}

/// An append of `count` events to `id` at `expected`: an open first if expected == 0, then notes.
inline append_request make_append(const std::string& id, std::uint64_t expected,
                                  std::size_t count = 1) {
  append_request req;
  req.aggregate_id = id;
  req.expected_version = expected;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t seq = expected + 1 + i;
    req.events.push_back(seq == 1 ? envelope_of(id, 1, opened_event(id)) : note_envelope(id, seq));
  }
  return req;
}

} // namespace tocsin::persistence::test
