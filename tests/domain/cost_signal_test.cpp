// Cost series ids, the cost incident and feedback item an anomaly becomes (severity rule,
// attribution, dedup ids), and the roll-up of closed windows into detector windows.
#include "domain/cost_rollup.hpp"
#include "domain/cost_signal.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp minute = 60 * sec;
constexpr timestamp t0 = 28'333'333 * minute; // minute-aligned

cost_anomaly_detected detected(std::string artifact, bool handoff) {
  cost_anomaly_detected d;
  d.series = {"acme", "llm.cost", std::move(artifact)};
  d.series_id = cost_series_id(d.series);
  d.anomaly.window_start = t0;
  d.anomaly.value = 250;
  d.anomaly.baseline = 10;
  d.anomaly.ratio = 25;
  d.anomaly_id = cost_anomaly_id(d.series_id, t0);
  d.window = minute;
  d.detected_at = t0 + 2 * minute;
  d.handoff = handoff;
  d.threshold = 100;
  return d;
}

} // namespace

TEST_CASE("cost series ids name the metric and, for an artifact, its id") {
  CHECK(cost_series_id({"acme", "llm.cost", ""}) == "llm.cost");
  CHECK(cost_series_id({"acme", "llm.cost", "art-7"}) == "llm.cost{artifact.id=art-7}");
  CHECK(cost_anomaly_id("llm.cost", t0) == "llm.cost@" + std::to_string(t0));
}

TEST_CASE("an anomaly becomes a cost incident keyed by its series") {
  const auto d = detected("art-7", false);
  const auto o = cost_incident(d);
  CHECK(o.tenant == "acme");
  CHECK(o.source == incident_source::cost);
  CHECK(o.source_id == "llm.cost{artifact.id=art-7}"); // a repeat while open folds into it
  CHECK(o.cat == category::cost);
  CHECK(o.sev == severity::warning);
  CHECK(o.attr.artifact_id == "art-7");
  CHECK(o.title.find("250.00") != std::string::npos);
  CHECK(o.title.find("baseline of 10.00") != std::string::npos);
  CHECK(o.title.find("1m") != std::string::npos);
  CHECK(cost_incident(detected("art-7", true)).sev == severity::high); // above governance
  CHECK(cost_incident(detected("", false)).attr.artifact_id.empty());
}

TEST_CASE("an anomaly becomes one feedback item per anomaly id") {
  const auto d = detected("art-7", false);
  const auto it = cost_feedback(d);
  CHECK(it.source == feedback_source::cost);
  CHECK(it.source_id == d.anomaly_id);
  CHECK(it.id == feedback_id("acme", feedback_source::cost, d.anomaly_id));
  CHECK(it.cat == category::cost);
  CHECK(it.sent == sentiment::negative);
  CHECK(it.artifact_id == "art-7");
  CHECK(it.created_at == d.detected_at);
  CHECK(it == cost_feedback(d)); // the same on every retry
  auto later = d;
  later.anomaly.window_start += minute;
  later.anomaly_id = cost_anomaly_id(later.series_id, later.anomaly.window_start);
  CHECK(cost_feedback(later).id != it.id);
}

TEST_CASE("the roll-up sums finer windows and hands each detector window out once") {
  cost_rollup r{minute};
  CHECK(r.add(t0, 1));
  CHECK(r.add(t0 + 30 * sec, 2));
  CHECK(r.add(t0 + minute + sec, 5));
  CHECK(r.close(t0 + minute - sec).empty()); // not over yet
  auto out = r.close(t0 + minute + 10 * sec);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == std::pair<timestamp, double>{t0, 3});
  CHECK_FALSE(r.add(t0 + 59 * sec, 1)); // late: already handed out
  CHECK(r.add(t0 + minute + 2 * sec, 1));
  // Silent windows are skipped, not handed out as zeros.
  out = r.close(t0 + 5 * minute);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == std::pair<timestamp, double>{t0 + minute, 6});
  CHECK(r.state().open.empty());
  CHECK(r.state().closed_until == t0 + 5 * minute);

  cost_rollup restored{minute, r.state()}; // a restart carries on from the persisted state
  CHECK_FALSE(restored.add(t0 + 4 * minute, 1));
  CHECK(restored.add(t0 + 5 * minute, 1));
}
