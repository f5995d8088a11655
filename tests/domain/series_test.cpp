// Series keys and window content: stable hashing, latency buckets, deterministic exemplars,
// cumulative -> delta conversion.
#include "domain/series.hpp"
#include "domain/temporality.hpp"
#include "domain/window_value.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tocsin::domain;

namespace {

// OTLP SPAN_KIND_SERVER, SPAN_KIND_CLIENT.
constexpr span_kind_number server = 2;
constexpr span_kind_number client = 3;

constexpr timestamp sec = nanos_per_second;
constexpr timestamp ms = nanos_per_milli;
constexpr timestamp t0 = 472'222 * 3600 * sec;

exemplar ex(std::string trace) {
  exemplar e;
  e.trace_id = std::move(trace);
  e.span_id = "s";
  return e;
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

} // namespace

TEST_CASE("series keys: canonical, order-independent, FNV-1a hashed", "[series]") {
  auto a = metric_series("acme", "http.requests", {{"route", "/pay"}, {"code", "500"}});
  auto b = metric_series("acme", "http.requests", {{"code", "500"}, {"route", "/pay"}});
  CHECK(a == b);
  CHECK(canonical_encoding(a) == canonical_encoding(b));
  CHECK(series_hash(a) == fnv1a(canonical_encoding(a)));
  CHECK(series_hash(a) != series_hash(metric_series("acme", "http.requests", {})));
  // Length prefixes keep field boundaries apart.
  CHECK(series_hash(span_series("t", "ab", "c", server))
        != series_hash(span_series("t", "a", "bc", server)));
  CHECK(series_hash(span_series("t", "svc", "GET", server))
        != series_hash(span_series("t", "svc", "GET", client)));
  CHECK(log_series("t", "svc", level_of(17)).level == log_level::error);
  CHECK(level_of(24) == log_level::fatal);
  CHECK(level_of(0) == log_level::unspecified);
  CHECK(shard_of(a, 16) == series_hash(a) % 16);
  CHECK(describe(a) == "metric:acme/http.requests{code=500,route=/pay}");
  CHECK(describe(span_series("acme", "checkout", "POST /pay", server))
        == "span:acme/checkout/\"POST /pay\"/server");
  CHECK(parse_span_kind("client") == client);
  CHECK(span_kind_name(42) == "unknown");
  // A repeated attribute key resolves the same whatever its order.
  CHECK(metric_series("t", "m", {{"k", "1"}, {"k", "2"}})
        == metric_series("t", "m", {{"k", "2"}, {"k", "1"}}));
}

TEST_CASE("span latencies fall in the spanmetrics default buckets", "[series]") {
  CHECK(latency_bucket(0) == 0);
  CHECK(latency_bucket(2 * ms) == 0); // bounds are inclusive, as Prometheus `le`
  CHECK(latency_bucket(2 * ms + 1) == 1);
  CHECK(latency_bucket(1400 * ms) == 11);
  CHECK(latency_bucket(15 * sec) == 15);
  CHECK(latency_bucket(15 * sec + 1) == 16);
  CHECK(span_bucket_count == 17);
  window_value v;
  v.add(span_observation(t0, 3 * ms, false), 4);
  v.add(span_observation(t0, 700 * ms, true), 4);
  v.add(span_observation(t0, 20 * sec, true), 4);
  CHECK(v.calls == 3);
  CHECK(v.errors == 2);
  CHECK(v.sum == 3 * ms + 700 * ms + 20 * sec);
  CHECK(v.buckets[1] == 1);
  CHECK(v.buckets[9] == 1);
  CHECK(v.buckets[16] == 1);
  CHECK(calls_within(v, 800 * ms) == 2u);
  CHECK_FALSE(calls_within(v, 3 * ms).has_value());
}

TEST_CASE("exemplars: the lowest trace ids among errors, at most N, whatever the order",
          "[window]") {
  window_value a, b;
  const std::vector<std::string> ids = {"f1", "a7", "c3", "00", "b2", "e5"};
  for (const auto& id : ids) a.add(span_observation(t0, ms, true, ex(id)), 3);
  for (auto it = ids.rbegin(); it != ids.rend(); ++it)
    b.add(span_observation(t0, ms, true, ex(*it)), 3);
  b.add(span_observation(t0, ms, false, ex("000")), 3); // not an error: never an exemplar
  REQUIRE(a.exemplars.size() == 3);
  CHECK(a.exemplars[0].trace_id == "00");
  CHECK(a.exemplars[1].trace_id == "a7");
  CHECK(a.exemplars[2].trace_id == "b2");
  CHECK(a.exemplars == b.exemplars);
}

TEST_CASE("cumulative sums become deltas; resets restart from zero", "[temporality]") {
  cumulative_tracker t;
  auto r = t.next({100, 1000, 5});
  CHECK(r.outcome == delta_outcome::baseline);
  CHECK_FALSE(r.delta);
  r = t.next({100, 2000, 12});
  CHECK(r.outcome == delta_outcome::delta);
  CHECK(r.delta == 7.0);
  r = t.next({100, 2000, 12}); // retried point
  CHECK(r.outcome == delta_outcome::ignored);
  r = t.next({100, 3000, 4}); // value went down: the process restarted
  CHECK(r.outcome == delta_outcome::reset);
  CHECK(r.delta == 4.0);
  r = t.next({2500, 4000, 9}); // start_time moved: a reset even though the value grew
  CHECK(r.outcome == delta_outcome::reset);
  CHECK(r.delta == 9.0);
  r = t.next({2500, 5000, 9});
  CHECK(r.delta == 0.0);
}
