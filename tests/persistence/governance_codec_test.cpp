// Governance hand-off records and the cost detector's stored state round-trip through their
// protobuf encoding; garbage is corrupt_record, never a default value.
#include "persistence/cost_codec.hpp"
#include "persistence/governance_codec.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
using domain::nanos_per_second;

namespace {

constexpr domain::timestamp t0 = 1'700'000'040 * nanos_per_second;

domain::cost_anomaly_detected detected() {
  domain::cost_anomaly_detected d;
  d.series = {"acme", "llm.cost", "art-1"};
  d.series_id = domain::cost_series_id(d.series);
  d.anomaly = {t0, 250.5, 10.25, 1.5, 24.4};
  d.anomaly_id = domain::cost_anomaly_id(d.series_id, t0);
  d.window = 60 * nanos_per_second;
  d.detected_at = t0 + 70 * nanos_per_second;
  d.handoff = true;
  d.threshold = 100;
  d.channel = "finance-hook";
  return d;
}

} // namespace

TEST_CASE("governance hand-offs round-trip, garbage is a corrupt record") {
  const auto h = domain::make_cost_handoff("acme", "llm.cost", detected().anomaly, 100, "gov",
                                           "01INCIDENT", t0 + nanos_per_second);
  auto back = persistence::decode_governance(persistence::encode_governance(h));
  REQUIRE(back.ok());
  CHECK(*back == h);
  auto bad = persistence::decode_governance("\xff\xff\xff");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().code == domain::errc::corrupt_record);
  CHECK_FALSE(persistence::decode_governance("").ok()); // no id
}

TEST_CASE("cost series state, pending anomalies and breach counts round-trip") {
  persistence::stored_cost_series s;
  s.series = {"acme", "llm.cost", "art-1"};
  s.detector = {10.5, 2.25, 7, 1, t0};
  s.rollup.closed_until = t0 + 60 * nanos_per_second;
  s.rollup.open = {{t0 + 60 * nanos_per_second, 3.5}, {t0 + 120 * nanos_per_second, 1}};
  auto sb = persistence::decode_cost_series(persistence::encode_cost_series(s));
  REQUIRE(sb.ok());
  CHECK(sb->series == s.series);
  CHECK(sb->detector.mean == 10.5);
  CHECK(sb->detector.variance == 2.25);
  CHECK(sb->detector.seen == 7);
  CHECK(sb->detector.anomalous_for == 1);
  CHECK(sb->detector.last_window == t0);
  CHECK(sb->rollup == s.rollup);

  persistence::pending_cost_anomaly p{detected(), "01INCIDENT"};
  auto pb = persistence::decode_pending_cost(persistence::encode_pending_cost(p));
  REQUIRE(pb.ok());
  CHECK(pb->anomaly == p.anomaly);
  CHECK(pb->incident_id == "01INCIDENT");

  persistence::stored_breach_count c{"acme", "checkout", {{t0, t0 + 5}, t0 - 7}};
  auto cb = persistence::decode_breach_count(persistence::encode_breach_count(c));
  REQUIRE(cb.ok());
  CHECK(cb->tenant == "acme");
  CHECK(cb->slo_id == "checkout");
  CHECK(cb->state == c.state);

  CHECK(persistence::decode_cost_series("\x01").err().code == domain::errc::corrupt_record);
  CHECK_FALSE(persistence::decode_pending_cost("").ok());
  CHECK_FALSE(persistence::decode_breach_count("").ok());
}

TEST_CASE("stored keys keep tenants and series apart") {
  CHECK(persistence::cost_state_key({"acme", "llm.cost", ""}) ==
        std::string("cost-state/acme\0llm.cost", 24));
  CHECK(persistence::cost_state_key({"acme", "llm.cost", "a"}) !=
        persistence::cost_state_key({"acme", "llm.cost", ""}));
  CHECK(persistence::cost_pending_key("a", "b@1") != persistence::cost_pending_key("a", "b@2"));
  CHECK(persistence::breach_count_key("t", "s").rfind("gov-breaches/", 0) == 0);
}
