// The cost detector end to end inside one process, all real: LMDB, the actor system, the engine
// (router, incident actors, policies), the feedback service, the aggregation shards feeding the
// detector through their closed-window hook, and the governance topic. A cost spike in metric
// points -> exactly one anomaly, one cost incident routed to cost.analyst, one feedback item per
// tenant; a governance hand-off above the tenant's threshold, none below; a restart neither
// relearns nor re-fires, and a resumed outbox entry creates nothing twice.
#include "actors/aggregation.hpp"
#include "actors/cost_detector.hpp"
#include "actors/engine.hpp"
#include "actors/feedback.hpp"
#include "persistence/cost_codec.hpp"
#include "persistence/feedback_codec.hpp"
#include "persistence/governance_codec.hpp"
#include "persistence/topic_log.hpp"
#include "support/actor_stack.hpp"
#include "support/eventually.hpp"
#include "support/governance.hpp"
#include "support/topic_values.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

using namespace tocsin;
using domain::nanos_per_milli;
using domain::nanos_per_second;
using domain::timestamp;
using test::eventually;
using test::topic_values;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp ms = nanos_per_milli;
constexpr timestamp t0 = 472'222 * 3600 * sec; // hour-aligned
const std::string art1_series = "llm.cost{artifact.id=art-1}";
const std::string art9_series = "llm.cost{artifact.id=art-9}";

domain::tenant_policy policy(const std::string& tenant, double cost_above) {
  auto p = test::governance_policy(tenant);
  p.governance.cost_anomaly_above = cost_above;
  return p;
}

struct cost_fixture : test::actor_stack {
  std::unique_ptr<persistence::topic_log> feedback_topic, governance_topic;
  std::unique_ptr<actors::feedback_service> feedback;
  std::unique_ptr<actors::cost_detector> detector;
  std::unique_ptr<actors::aggregation> agg;
  // Samples (tenant windows) sent and not yet seen closing; what the detector should have.
  std::vector<timestamp> open_windows;
  std::uint64_t expect_windows = 0, expect_observed = 0;
  std::vector<timestamp> unobserved;

  cost_fixture() : actor_stack("tocsin-cost", t0) {}
  ~cost_fixture() { stop(); }

  void start() {
    open_stack();
    start_engine();
    REQUIRE(eng->apply_policy(policy("acme", 100), "api").code == domain::errc::ok);
    REQUIRE(eng->apply_policy(policy("globex", 1e6), "api").code == domain::errc::ok);
    feedback_topic = std::make_unique<persistence::topic_log>(*store, "feedback");
    governance_topic = std::make_unique<persistence::topic_log>(*store, "governance");
    feedback = std::make_unique<actors::feedback_service>(*sys, *store, *feedback_topic, clock);
    REQUIRE(feedback->start().code == domain::errc::ok);
    actors::cost_detector_options co;
    co.window = sec;
    co.settle = 2 * sec; // aggregation lateness (1 s) + a step of the test's clock
    co.tick = std::chrono::milliseconds(10);
    co.detector.warmup = 5;
    detector = std::make_unique<actors::cost_detector>(*sys, *store, clock, eng->router(),
                                                       eng->policies(), feedback->actor(),
                                                       *governance_topic, co);
    REQUIRE(detector->start().code == domain::errc::ok);
    actors::aggregation_options ao;
    ao.shards = 2;
    ao.windows.tiers = {{sec, 60 * sec}, {60 * sec, 3600 * sec}};
    ao.windows.lateness = sec;
    ao.tick = std::chrono::milliseconds(10);
    ao.closed_window_metrics = detector->metrics();
    ao.on_closed_window = detector->hook();
    agg = std::make_unique<actors::aggregation>(*sys, *store, clock, ao);
    expect_windows = expect_observed = 0;
  }

  void stop() {
    if (agg) agg->stop();
    agg.reset();
    if (detector) detector->stop();
    detector.reset();
    if (feedback) feedback->stop();
    feedback.reset();
    governance_topic.reset();
    feedback_topic.reset();
    close_stack();
  }

  // One delta point of llm.cost for `artifact` in window `w` (at its start + 100 ms).
  void send(const std::string& tenant, const std::string& artifact, int w, double value) {
    domain::metric_point p;
    p.name = "llm.cost";
    p.kind = domain::metric_kind::sum;
    p.temporality = domain::temporality::delta;
    p.monotonic = true;
    p.value = value;
    p.has_value = true;
    p.time_unix_nano = static_cast<std::uint64_t>(t0 + w * sec + 100 * ms);
    p.attributes = {{"artifact.id", artifact}};
    domain::metric_batch b;
    b.service_name = "agent";
    b.points = {p};
    REQUIRE(agg->metrics(tenant, {b}).ok());
    open_windows.push_back(t0 + w * sec);
    unobserved.push_back(t0 + w * sec);
    unobserved.push_back(t0 + w * sec); // the tenant total and the artifact's series
  }

  // Moves the clock to `w` s + 500 ms once what was sent is folded, and waits until the detector has every window that closed
  // by then (shards close [s, s + 1 s) at s + 2 s) and summed up every one that settled.
  void step_to(int w) {
    // Folded first: a series restored after a restart catches up with the clock when the fold
    // touches it, so points folded after the clock moved on would be late.
    REQUIRE(eventually([&] { return agg->stats().queued == 0; }));
    const timestamp now = t0 + w * sec + 500 * ms;
    clock.set(now);
    auto due = [&](std::vector<timestamp>& v, timestamp by) {
      std::uint64_t n = 0;
      for (auto it = v.begin(); it != v.end();)
        if (*it + by <= now) { ++n; it = v.erase(it); } else ++it;
      return n;
    };
    expect_windows += due(open_windows, 2 * sec);
    expect_observed += due(unobserved, 3 * sec);
    const bool ok = eventually([&] {
      const auto s = detector->stats();
      return s.windows >= expect_windows && s.observed >= expect_observed;
    });
    const auto s = detector->stats();
    INFO("at window " << w << ": windows " << s.windows << " of " << expect_windows
                      << ", observed " << s.observed << " of " << expect_observed << ", late "
                      << s.late << "; aggregation late " << agg->stats().late << " closed "
                      << agg->stats().windows_closed << " points " << agg->stats().points);
    REQUIRE(ok);
  }

  std::vector<persistence::incident_summary> cost_incidents(const std::string& tenant) {
    persistence::incident_filter f;
    f.tenant = tenant;
    f.source = domain::incident_source::cost;
    auto page = store->list_incidents(f);
    REQUIRE(page.ok());
    return page->items;
  }

  bool settled(std::uint64_t anomalies) {
    const auto s = detector->stats();
    return s.anomalies == anomalies && s.pending == 0;
  }
};

} // namespace

TEST_CASE("a cost spike is one anomaly, one cost incident for cost.analyst and one feedback item, "
          "governance above the threshold only, a restart neither relearns nor re-fires",
          "[cost_detector]") {
  cost_fixture f;
  f.start();
  const double normal[] = {10, 11, 9};
  int w = 0;
  for (; w < 12; ++w) {
    const double v = w == 8 ? 500 : normal[w % 3];
    f.send("acme", "art-1", w, v);
    f.send("globex", "art-9", w, v);
    f.step_to(w);
  }
  for (; w < 16; ++w) f.step_to(w);
  REQUIRE(eventually([&] { return f.settled(2); }));
  auto s = f.detector->stats();
  CHECK(s.series == 4);   // two totals, two artifacts
  CHECK(s.incidents == 2);
  CHECK(s.feedback == 2);
  CHECK(s.handoffs == 1);
  CHECK(s.late == 0);

  // acme: above its threshold (490 of excess > 100): high, and handed off.
  auto acme = f.cost_incidents("acme");
  REQUIRE(acme.size() == 1);
  CHECK(acme[0].source_id == art1_series);
  CHECK(acme[0].cat == domain::category::cost);
  CHECK(acme[0].sev == domain::severity::high);
  auto view = f.eng->get(acme[0].id);
  REQUIRE(view.ok());
  CHECK(view->state.attr.artifact_id == "art-1");
  CHECK(view->state.occurrences == 1);
  CHECK(domain::route_role(*f.eng->policies().get("acme"), view->state) == "cost.analyst");
  auto esc = f.eng->execute(acme[0].id, domain::escalate{domain::escalation_reason::manual, {},
                                                         "test"});
  REQUIRE(esc.ok());
  REQUIRE_FALSE(esc->state.escalations.empty());
  CHECK(esc->state.escalations.back().step.role == "cost.analyst");

  // globex: the same spike below its threshold: warning, no hand-off.
  auto globex = f.cost_incidents("globex");
  REQUIRE(globex.size() == 1);
  CHECK(globex[0].source_id == art9_series);
  CHECK(globex[0].sev == domain::severity::warning);

  // One feedback item per anomaly, attributed to the artifact.
  auto items = topic_values(*f.feedback_topic);
  CHECK(items.size() == 2);
  const auto acme_anomaly = domain::cost_anomaly_id(art1_series, t0 + 8 * sec);
  auto found = f.feedback_topic->find(
    domain::feedback_key("acme", domain::feedback_source::cost, acme_anomaly));
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  auto item = persistence::decode_feedback((*found)->value);
  REQUIRE(item.ok());
  CHECK(item->cat == domain::category::cost);
  CHECK(item->sent == domain::sentiment::negative);
  CHECK(item->artifact_id == "art-1");
  CHECK(item->source_id == acme_anomaly);

  // One governance hand-off: acme's.
  auto handoffs = topic_values(*f.governance_topic);
  REQUIRE(handoffs.size() == 1);
  auto h = persistence::decode_governance(handoffs[0]);
  REQUIRE(h.ok());
  CHECK(h->tenant == "acme");
  CHECK(h->kind == "cost_anomaly");
  CHECK(h->subject == art1_series);
  CHECK(h->incident_id == acme[0].id);
  CHECK(h->amount > 100);
  CHECK(h->threshold == 100);
  CHECK(h->window_start == t0 + 8 * sec);

  // As if the process had died before its outbox entry was erased (and before it had recorded
  // the incident id): the restart acts on it again, and nothing is created twice.
  persistence::pending_cost_anomaly again;
  auto& d = again.anomaly;
  d.series = {"acme", "llm.cost", "art-1"};
  d.series_id = art1_series;
  d.anomaly_id = acme_anomaly;
  d.anomaly.window_start = h->window_start;
  d.anomaly.value = 500;
  d.window = sec;
  d.detected_at = h->at;
  d.handoff = true;
  d.threshold = 100;
  d.channel = "finops";
  REQUIRE(f.store->write_sync({{persistence::kv_db::definitions, persistence::kv_op::put,
                                persistence::cost_pending_key("acme", acme_anomaly),
                                persistence::encode_pending_cost(again)}})
            .code == domain::errc::ok);

  f.stop();
  f.start();
  REQUIRE(eventually([&] { return f.detector->stats().pending == 0; }));
  CHECK(f.detector->stats().series == 4); // loaded, not relearnt
  CHECK(f.detector->stats().handoffs == 0);
  CHECK(f.cost_incidents("acme").size() == 1);
  CHECK(f.eng->get(acme[0].id)->state.occurrences == 1);
  CHECK(topic_values(*f.feedback_topic).size() == 2);
  CHECK(topic_values(*f.governance_topic).size() == 1);

  // The detectors carry on where they stopped: globex spikes again two windows after the
  // restart (a fresh detector would still be warming up). Its incident is open, so the new
  // anomaly folds into it; the new anomaly has its own feedback item.
  for (; w < 22; ++w) {
    f.send("acme", "art-1", w, normal[w % 3]);
    f.send("globex", "art-9", w, w == 18 ? 600 : normal[w % 3]);
    f.step_to(w);
  }
  for (; w < 26; ++w) f.step_to(w);
  REQUIRE(eventually([&] { return f.settled(1); }));
  CHECK(f.cost_incidents("acme").size() == 1);
  globex = f.cost_incidents("globex");
  REQUIRE(globex.size() == 1);
  CHECK(f.eng->get(globex[0].id)->state.occurrences == 2);
  CHECK(topic_values(*f.feedback_topic).size() == 3);
  CHECK(topic_values(*f.governance_topic).size() == 1);
}
