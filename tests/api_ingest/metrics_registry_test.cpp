// The /metrics registry: text format 0.0.4 (HELP/TYPE once per family, label escaping,
// cumulative histogram buckets), registrations removed with their handle; the store collector
// (commit latency, incidents by tenant and state) on a real store and engine.
#include "api_ingest/ingest_fixture.hpp"

#include "actors/engine.hpp"

using namespace tocsin;

TEST_CASE("metric families render in text format 0.0.4") {
  api::metrics_registry reg;
  auto a = reg.add("a", [](api::metric_writer& w) {
    w.counter("things_total", "Things seen", 3, {{"kind", "x\"y\\z\nw"}});
    w.gauge("depth", "Queue depth", 2.5);
  });
  auto b = reg.add("b", [](api::metric_writer& w) {
    w.counter("things_total", "Things seen", 4, {{"kind", "b"}});
    api::histogram_value h{{0.001, 0.01}, {2, 1, 4}, 0.5};
    w.histogram("latency_seconds", "Latency", h, {{"op", "commit"}});
  });
  const auto text = reg.render();
  CHECK(text
        == "# HELP tocsin_things_total Things seen\n"
           "# TYPE tocsin_things_total counter\n"
           "tocsin_things_total{kind=\"x\\\"y\\\\z\\nw\"} 3\n"
           "tocsin_things_total{kind=\"b\"} 4\n"
           "# HELP tocsin_depth Queue depth\n"
           "# TYPE tocsin_depth gauge\n"
           "tocsin_depth 2.5\n"
           "# HELP tocsin_latency_seconds Latency\n"
           "# TYPE tocsin_latency_seconds histogram\n"
           "tocsin_latency_seconds_bucket{op=\"commit\",le=\"0.001\"} 2\n"
           "tocsin_latency_seconds_bucket{op=\"commit\",le=\"0.01\"} 3\n"
           "tocsin_latency_seconds_bucket{op=\"commit\",le=\"+Inf\"} 7\n"
           "tocsin_latency_seconds_sum{op=\"commit\"} 0.5\n"
           "tocsin_latency_seconds_count{op=\"commit\"} 7\n");
  a.reset();
  b = {};
  CHECK(reg.render().empty());
}

TEST_CASE("store metrics count commits and incidents by state") {
  test::ingest_fixture f;
  for (int i = 0; i < 3; ++i) {
    domain::open_incident o;
    o.tenant = i == 2 ? "globex" : "acme";
    o.title = "incident " + std::to_string(i);
    o.sev = domain::severity::high;
    o.source = domain::incident_source::manual;
    o.cat = domain::category::reliability;
    REQUIRE(f.eng->open(o).ok());
  }
  const auto text = f.registry.render();
  CHECK_THAT(text, Catch::Contains("tocsin_incidents{tenant=\"acme\",state=\"open\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("tocsin_incidents{tenant=\"globex\",state=\"open\"} 1\n"));
  auto s = f.store->stats();
  std::uint64_t commits = 0;
  for (auto n : s.commit_latency)
    commits += n;
  // Counted before the commit counter moves, and read after it: never fewer.
  CHECK(commits >= s.commits);
  CHECK(s.commits >= 3);
  CHECK(s.commit_latency_sum_ns > 0);
  CHECK_THAT(text, Catch::Contains("tocsin_journal_commit_seconds_count "));
}
