// The `cost:` section: defaults (also the shipped tocsin.yaml's), every key read, and errors
// naming file, line and key (numbers, the window against the aggregation resolution).
#include "config/config.hpp"
#include "config/policy_yaml.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using tocsin::config::load_config;
using tocsin::config::parse_config;

namespace {

std::string error_of(const std::string& text) {
  auto r = parse_config(text, "c.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == tocsin::domain::errc::invalid_argument);
  return r.err().message;
}

} // namespace

TEST_CASE("cost: defaults, and the shipped config states them") {
  auto d = parse_config("", "empty.yaml");
  REQUIRE(d.ok());
  CHECK(d->cost.enabled);
  CHECK(d->cost.metric == "llm.cost");
  CHECK(d->cost.window == 60s);
  CHECK(d->cost.alpha == 0.3);
  CHECK(d->cost.deviation == 3);
  CHECK(d->cost.min_ratio == 1.5);
  CHECK(d->cost.min_volume == 1);
  CHECK(d->cost.warmup == 5);
  CHECK(d->cost.relearn_after == 30);
  auto shipped = load_config(TOCSIN_SOURCE_DIR "/config/tocsin.yaml");
  REQUIRE(shipped.ok());
  CHECK(shipped->cost.enabled == d->cost.enabled);
  CHECK(shipped->cost.metric == d->cost.metric);
  CHECK(shipped->cost.window == d->cost.window);
  CHECK(shipped->cost.alpha == d->cost.alpha);
  CHECK(shipped->cost.deviation == d->cost.deviation);
  CHECK(shipped->cost.min_ratio == d->cost.min_ratio);
  CHECK(shipped->cost.min_volume == d->cost.min_volume);
  CHECK(shipped->cost.warmup == d->cost.warmup);
  CHECK(shipped->cost.relearn_after == d->cost.relearn_after);
}

TEST_CASE("cost: every key is read") {
  auto r = parse_config("cost:\n  enabled: false\n  metric: gen_ai.cost\n  window: 5s\n"
                        "  alpha: 0.5\n  deviation: 2.5\n  min_ratio: 2\n  min_volume: 1e-3\n"
                        "  warmup: 3\n  relearn_after: 10\n",
                        "c.yaml");
  REQUIRE(r.ok());
  CHECK_FALSE(r->cost.enabled);
  CHECK(r->cost.metric == "gen_ai.cost");
  CHECK(r->cost.window == 5s);
  CHECK(r->cost.alpha == 0.5);
  CHECK(r->cost.deviation == 2.5);
  CHECK(r->cost.min_ratio == 2);
  CHECK(r->cost.min_volume == 0.001);
  CHECK(r->cost.warmup == 3);
  CHECK(r->cost.relearn_after == 10);
}

TEST_CASE("cost: bad values name file, line and key") {
  CHECK(error_of("cost:\n  alpha: 1.5\n") ==
        "c.yaml:2: cost.alpha: expected a number between 0 and 1, got \"1.5\"");
  CHECK(error_of("cost:\n  alpha: 0\n").find("c.yaml:2: cost.alpha: expected a number above 0")
        == 0);
  CHECK(error_of("cost:\n  deviation: lots\n").find("c.yaml:2: cost.deviation: expected a number")
        == 0);
  CHECK(error_of("cost:\n  min_volume: nan\n").find("c.yaml:2: cost.min_volume:") == 0);
  CHECK(error_of("cost:\n\n  warmup: -1\n").find("c.yaml:3: cost.warmup: expected a whole number")
        == 0);
  CHECK(error_of("cost:\n  window: 60\n").find("c.yaml:2: cost.window: expected a duration") == 0);
  CHECK(error_of("cost:\n  metrc: x\n").find("c.yaml:2: cost.metrc: unknown key") == 0);
  // 1500ms is not a whole number of the 1 s aggregation windows.
  CHECK(error_of("cost:\n  window: 1500ms\n") ==
        "c.yaml:2: cost.window: must be a multiple of the aggregation resolution (the first "
        "tier's)");
}

TEST_CASE("cost incidents route to cost.analyst by default, a routes list replaces that") {
  tocsin::domain::incident_state s;
  s.cat = tocsin::domain::category::cost;
  s.source = tocsin::domain::incident_source::cost;
  auto plain = tocsin::config::parse_policy_text("tenant: a\n", "p.yaml");
  REQUIRE(plain.ok());
  CHECK(tocsin::domain::route_role(*plain, s) == "cost.analyst");
  auto own = tocsin::config::parse_policy_text(
    "tenant: a\nroutes:\n  - {source: cost, role: quality.reviewer}\n", "p.yaml");
  REQUIRE(own.ok());
  CHECK(own->routes.size() == 1);
  CHECK(tocsin::domain::route_role(*own, s) == "quality.reviewer");
  auto none = tocsin::config::parse_policy_text("tenant: a\nroutes: []\n", "p.yaml");
  REQUIRE(none.ok());
  CHECK(tocsin::domain::route_role(*none, s) == "runtime.operator");
}
