// Aggregation with a real actor system and a real LMDB store: spans in -> range sums out of the
// shards, watch notifications, overload refusal, runtime signals, restart from persisted
// windows (the lost open window is stale), retention of persisted windows (loaded series and
// the sweep over untouched ones), hash-collision slots.
#include "actors/aggregation.hpp"
#include "actors/aggregation_messages.hpp"
#include "actors/engine.hpp"
#include "actors/series_persistence.hpp"
#include "support/actor_stack.hpp"
#include "support/eventually.hpp"

#include <caf/scoped_actor.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

using namespace tocsin;
using domain::nanos_per_milli;
using domain::nanos_per_second;
using domain::timestamp;
using test::eventually;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp ms = nanos_per_milli;
constexpr timestamp t0 = 472'222 * 3600 * sec; // hour-aligned

domain::window_config test_windows() {
  domain::window_config w;
  w.tiers = {{sec, 10 * sec}, {10 * sec, 120 * sec}};
  w.lateness = sec;
  return w;
}

struct aggregation_fixture : test::actor_stack {
  actors::aggregation_options opts;
  std::unique_ptr<actors::aggregation> agg;

  aggregation_fixture() : actor_stack("tocsin-aggregation", t0) {
    opts.shards = 3;
    opts.windows = test_windows();
    opts.tick = std::chrono::milliseconds(10);
  }
  ~aggregation_fixture() { stop(); }

  void start() {
    REQUIRE(domain::validate(opts.windows).code == domain::errc::ok);
    open_stack();
    agg = std::make_unique<actors::aggregation>(*sys, *store, clock, opts);
  }

  void stop() {
    if (agg) agg->stop();
    agg.reset();
    close_stack();
  }

  domain::range_sum query(const domain::series_key& k, timestamp from, timestamp to) {
    caf::scoped_actor self{*sys};
    domain::range_sum out;
    out.known = false;
    std::vector<actors::range_request> rs{{k, from, to}};
    self->request(agg->shard_for(k), std::chrono::seconds(10), actors::series_query_atom::value, rs)
      .receive([&](std::vector<domain::range_sum>& r) { out = r.at(0); },
               [&](caf::error& e) { FAIL("series query failed: " << sys->render(e)); });
    return out;
  }

  // Window records of one resolution in LMDB, over all series.
  std::size_t persisted(domain::duration resolution) {
    auto rows = store->scan(persistence::kv_db::windows, "", "", 1'000'000);
    REQUIRE(rows.ok());
    std::size_t n = 0;
    for (const auto& [k, v] : *rows)
      if (auto w = actors::parse_window_record(k); w && w->resolution == resolution) ++n;
    return n;
  }
};

domain::span_record span(std::string name, timestamp end, timestamp latency, bool error) {
  domain::span_record s;
  s.service_name = "checkout";
  s.span_name = std::move(name);
  s.kind = domain::span_kind::server;
  s.end_unix_nano = static_cast<std::uint64_t>(end);
  s.start_unix_nano = static_cast<std::uint64_t>(end - latency);
  s.status_code = error ? domain::status_code::error : domain::status_code::ok;
  s.trace_id[0] = 0xab;
  s.span_id[0] = static_cast<std::uint8_t>(end / ms % 251);
  return s;
}

std::vector<domain::span_batch> batch(std::vector<domain::span_record> spans) {
  domain::span_batch b;
  b.spans = std::move(spans);
  return {std::move(b)};
}

const domain::series_key pay = domain::span_series("acme", "checkout", "pay", 2);

} // namespace

TEST_CASE("spans in, range sums out of the owning shard", "[aggregation]") {
  aggregation_fixture f;
  f.start();
  std::vector<domain::span_record> spans;
  for (int i = 0; i < 10; ++i) spans.push_back(span("pay", t0 + i * 50 * ms, 20 * ms, i % 4 == 0));
  auto out = f.agg->spans("acme", batch(spans));
  CHECK(out.ok());
  CHECK(out.accepted == 10);
  CHECK(out.rejected == 0);
  REQUIRE(eventually([&] { return f.query(pay, t0, t0 + sec).value.calls == 10; }));
  auto r = f.query(pay, t0, t0 + sec);
  CHECK(r.known);
  CHECK(r.value.errors == 3);
  CHECK(r.value.sum == 200 * ms);
  REQUIRE_FALSE(r.value.exemplars.empty());
  CHECK(r.value.exemplars[0].trace_id.substr(0, 2) == "ab");
  // A series nobody sent is unknown.
  CHECK_FALSE(f.query(domain::span_series("acme", "checkout", "refund", 2), t0, t0 + sec).known);
  REQUIRE(eventually([&] { return f.agg->stats().queued == 0; }));
  auto s = f.agg->stats();
  CHECK(s.spans == 10);
  CHECK(s.series >= 1);
  CHECK(s.late == 0);
  CHECK(f.agg->shard_count() == 3);
}

TEST_CASE("a watcher hears about new data in its series", "[aggregation]") {
  aggregation_fixture f;
  f.start();
  caf::scoped_actor watcher{*f.sys};
  watcher
    ->request(f.agg->shard_for(pay), std::chrono::seconds(10), actors::watch_series_atom::value,
              pay, caf::actor_cast<caf::actor>(watcher))
    .receive([] {}, [&](caf::error& e) { FAIL("watch failed: " << f.sys->render(e)); });
  auto two = batch({span("pay", t0, ms, false), span("pay", t0, ms, true)});
  REQUIRE(f.agg->spans("acme", std::move(two)).ok());
  bool notified = false;
  watcher->receive(
    [&](actors::series_updated_atom, const domain::series_key& k) { notified = k == pay; },
    caf::after(std::chrono::seconds(20)) >> [] {});
  CHECK(notified);
  // Once per ingested message, not once per span.
  bool second = false;
  watcher->receive([&](actors::series_updated_atom, const domain::series_key&) { second = true; },
                   caf::after(std::chrono::milliseconds(200)) >> [] {});
  CHECK_FALSE(second);
}

TEST_CASE("a request beyond max_queued is refused whole", "[aggregation]") {
  aggregation_fixture f;
  f.opts.max_queued = 5;
  f.opts.retry_after = std::chrono::milliseconds(750);
  f.start();
  std::vector<domain::span_record> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(span("pay", t0 + i * ms, ms, false));
  auto refused = f.agg->spans("acme", batch(ten));
  CHECK_FALSE(refused.ok());
  CHECK(refused.st == actors::ingest_outcome::status::overloaded);
  CHECK(refused.retry_after_ms == 750);
  CHECK(refused.accepted == 0);
  CHECK(f.agg->stats().overloaded == 1);
  CHECK(f.agg->stats().spans == 0);
  CHECK(f.agg->stats().queued == 0);
  CHECK_FALSE(f.query(pay, t0, t0 + sec).known); // nothing of it was sent
  ten.resize(3);
  CHECK(f.agg->spans("acme", batch(ten)).ok());
  REQUIRE(eventually([&] { return f.query(pay, t0, t0 + sec).value.calls == 3; }));
}

TEST_CASE("runtime signals are handed over, metrics and logs aggregate", "[aggregation]") {
  aggregation_fixture f;
  std::atomic<int> signal_spans{0}, signal_logs{0};
  f.opts.on_signals = [&](const std::string& tenant, std::vector<domain::span_record> s,
                          std::vector<domain::log_record> l) {
    CHECK(tenant == "acme");
    signal_spans += static_cast<int>(s.size());
    signal_logs += static_cast<int>(l.size());
  };
  f.start();
  auto s = span("pay", t0, ms, false);
  s.feedback_category = "accuracy";
  REQUIRE(f.agg->spans("acme", batch({s, span("pay", t0, ms, false)})).ok());
  CHECK(signal_spans == 1);

  domain::log_batch lb;
  domain::log_record r;
  r.service_name = "checkout";
  r.severity_number = 17;
  r.time_unix_nano = static_cast<std::uint64_t>(t0);
  r.feedback_category = "tone";
  lb.records = {r, r};
  auto logs = f.agg->logs("acme", {lb});
  CHECK(logs.accepted == 2);
  CHECK(signal_logs == 2);

  domain::metric_batch mb;
  mb.service_name = "checkout";
  domain::metric_point p;
  p.name = "queue.depth";
  p.kind = domain::metric_kind::gauge;
  p.value = 4;
  p.has_value = true;
  p.time_unix_nano = static_cast<std::uint64_t>(t0);
  mb.points = {p};
  mb.unsupported_points = 2;
  auto metrics = f.agg->metrics("acme", {mb});
  CHECK(metrics.ok());
  CHECK(metrics.accepted == 1);
  CHECK(metrics.rejected == 2);
  CHECK_FALSE(metrics.rejected_reason.empty());

  const auto errors = domain::log_series("acme", "checkout", domain::log_level::error);
  REQUIRE(eventually([&] { return f.query(errors, t0, t0 + sec).value.calls == 2; }));
  const auto depth = domain::metric_series("acme", "queue.depth", {});
  REQUIRE(eventually([&] { return f.query(depth, t0, t0 + sec).value.calls == 1; }));
  CHECK(f.query(depth, t0, t0 + sec).value.sum == domain::to_fixed(4));
  auto st = f.agg->stats();
  CHECK(st.records == 2);
  CHECK(st.points == 1);
  CHECK(st.rejected == 2);
  CHECK(st.signals == 3);
}

TEST_CASE("finest closed windows of the named metrics are handed over once", "[aggregation]") {
  aggregation_fixture f;
  std::mutex mu;
  std::vector<std::pair<domain::series_key, domain::closed_window>> seen;
  f.opts.closed_window_metrics = {"llm.cost"};
  f.opts.on_closed_window = [&](const domain::series_key& k, const domain::closed_window& w) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(k, w);
  };
  f.start();
  auto point = [](std::string name, std::string artifact, double v, timestamp at) {
    domain::metric_point p;
    p.name = std::move(name);
    p.kind = domain::metric_kind::sum;
    p.temporality = domain::temporality::delta;
    p.value = v;
    p.has_value = true;
    p.time_unix_nano = static_cast<std::uint64_t>(at);
    if (!artifact.empty()) p.attributes = {{"artifact.id", std::move(artifact)}};
    return p;
  };
  domain::metric_batch mb;
  mb.service_name = "agent";
  mb.points = {point("llm.cost", "a1", 1.5, t0 + 100 * ms), point("llm.cost", "a1", 2, t0 + 900 * ms),
               point("llm.cost", "a2", 4, t0 + 1500 * ms), point("llm.tokens", "a1", 99, t0)};
  REQUIRE(f.agg->metrics("acme", {mb}).ok());
  REQUIRE(f.agg->spans("acme", batch({span("pay", t0, ms, false)})).ok());
  // Windows [t0, t0 + 2 s) close at t0 + 3 s (lateness 1 s); the 10 s tier's stays open.
  f.clock.set(t0 + 3 * sec);
  auto count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size();
  };
  REQUIRE(eventually([&] { return count() >= 2; }));
  f.clock.set(t0 + 30 * sec); // the 10 s roll-ups complete: not handed over (finest tier only)
  REQUIRE(eventually([&] { return f.agg->stats().windows_persisted >= 8; }));
  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(seen.size() == 2);
  std::sort(seen.begin(), seen.end(),
            [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
  const auto a1 = domain::metric_series("acme", "llm.cost", {{"artifact.id", "a1"}});
  const auto a2 = domain::metric_series("acme", "llm.cost", {{"artifact.id", "a2"}});
  CHECK(seen[0].first == a1);
  CHECK(seen[0].second.start == t0);
  CHECK(seen[0].second.resolution == sec);
  CHECK(seen[0].second.value.sum == domain::to_fixed(3.5));
  CHECK(seen[1].first == a2);
  CHECK(seen[1].second.start == t0 + sec);
  CHECK(seen[1].second.value.sum == domain::to_fixed(4));
}

TEST_CASE("a restart restores closed windows, the lost open window reports incomplete",
          "[aggregation]") {
  aggregation_fixture f;
  f.start();
  // Windows [t0, t0 + 4 s) close by the clock; [t0 + 4 s, t0 + 5 s) stays open.
  std::vector<domain::span_record> spans;
  for (int i = 0; i < 9; ++i) spans.push_back(span("pay", t0 + i * 500 * ms, 10 * ms, i == 3));
  REQUIRE(f.agg->spans("acme", batch(spans)).ok());
  f.clock.set(t0 + 5 * sec);
  REQUIRE(eventually([&] { return f.agg->stats().windows_persisted >= 4; }));
  auto before = f.query(pay, t0, t0 + 4 * sec);
  CHECK(before.value.calls == 8);
  CHECK(before.complete);
  CHECK(f.query(pay, t0 + 4 * sec, t0 + 5 * sec).value.calls == 1);

  f.stop();
  f.clock.set(t0 + 7 * sec);
  f.start();
  auto after = f.query(pay, t0, t0 + 4 * sec);
  CHECK(after.known);
  CHECK(after.complete);
  CHECK(after.value.calls == 8);
  CHECK(after.value.errors == 1);
  CHECK(after.value.exemplars == before.value.exemplars);
  auto lost = f.query(pay, t0 + 4 * sec, t0 + 5 * sec);
  CHECK_FALSE(lost.complete); // stale, never healthy
  CHECK(lost.value.calls == 0);
  // Data arriving now lands in new windows as usual.
  REQUIRE(f.agg->spans("acme", batch({span("pay", t0 + 6500 * ms, ms, false)})).ok());
  REQUIRE(eventually([&] { return f.query(pay, t0 + 6 * sec, t0 + 7 * sec).value.calls == 1; }));
}

TEST_CASE("persisted windows older than their tier's retention are deleted", "[aggregation]") {
  aggregation_fixture f;
  f.start();
  std::vector<domain::span_record> spans;
  for (int i = 0; i < 4; ++i) spans.push_back(span("pay", t0 + i * sec, ms, false));
  REQUIRE(f.agg->spans("acme", batch(spans)).ok());
  f.clock.set(t0 + 6 * sec);
  REQUIRE(eventually([&] { return f.persisted(sec) == 4; }));
  // A loaded series expires its own fine windows (kept 10 s) as its frontier moves.
  f.clock.set(t0 + 30 * sec);
  REQUIRE(eventually([&] { return f.persisted(sec) == 0; }));
  CHECK(f.persisted(10 * sec) == 1); // the roll-up is kept 120 s

  // After a restart nobody touches the series: the sweep deletes the roll-up once it ages out.
  f.stop();
  f.clock.set(t0 + 200 * sec);
  f.start();
  REQUIRE(eventually([&] { return f.persisted(10 * sec) == 0; }));
  CHECK(f.agg->stats().series == 0); // the sweep did not load it
}

TEST_CASE("a different key under the same hash gets its own slot", "[aggregation]") {
  aggregation_fixture f;
  f.start();
  const std::uint64_t h = domain::series_hash(pay);
  const auto other = domain::span_series("acme", "other", "op", 2);
  // Pretend `other` collided with `pay` and was stored first, in slot 0.
  REQUIRE(f.store
            ->write_sync({{persistence::kv_db::windows, persistence::kv_op::put,
                           actors::series_key_record(h, 0), domain::canonical_encoding(other)}})
            .code == domain::errc::ok);
  actors::lmdb_series_source source{*f.store};
  auto loaded = source.load(pay, h);
  CHECK_FALSE(loaded.found);
  CHECK(loaded.slot == 1);
  // Persisted in slot 1, it loads back as itself; slot 0 is left alone.
  REQUIRE(f.agg->spans("acme", batch({span("pay", t0, ms, true)})).ok());
  f.clock.set(t0 + 3 * sec);
  REQUIRE(eventually([&] { return f.persisted(sec) == 1; }));
  auto again = source.load(pay, h);
  CHECK(again.found);
  CHECK(again.slot == 1);
  REQUIRE(again.windows.size() == 1);
  CHECK(again.windows[0].value.errors == 1);
  auto k0 = f.store->get(persistence::kv_db::windows, actors::series_key_record(h, 0));
  REQUIRE(k0.ok());
  CHECK(*k0 == std::optional<std::string>(domain::canonical_encoding(other)));
}
