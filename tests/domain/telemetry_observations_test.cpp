// Telemetry -> keyed observations: span grouping and RED fields, exemplars, metric kinds and
// temporalities, skipped and rejected points, log levels and times, runtime signals.
#include "domain/telemetry_observations.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace tocsin::domain;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp ms = nanos_per_milli;
constexpr std::uint64_t t0 = 1'700'000'000ull * 1'000'000'000ull;

span_record span(std::string service, std::string name, std::int32_t kind, std::uint64_t end,
                 timestamp latency, bool error = false) {
  span_record s;
  s.service_name = std::move(service);
  s.span_name = std::move(name);
  s.kind = kind;
  s.end_unix_nano = end;
  s.start_unix_nano = end - static_cast<std::uint64_t>(latency);
  s.status_code = error ? status_code::error : status_code::ok;
  return s;
}

const keyed_observations* find(const telemetry_items& items, const series_key& k) {
  for (const auto& s : items.series)
    if (s.key == k) return &s;
  return nullptr;
}

metric_point point(std::string name, metric_kind kind, temporality t, double value,
                   std::uint64_t time) {
  metric_point p;
  p.name = std::move(name);
  p.kind = kind;
  p.temporality = t;
  p.value = value;
  p.has_value = true;
  p.time_unix_nano = time;
  p.start_unix_nano = t0;
  return p;
}

} // namespace

TEST_CASE("spans group by (service, name, kind) into one key each", "[observations]") {
  span_batch b;
  const char* names[] = {"GET /a", "GET /b"};
  for (int i = 0; i < 40; ++i)
    b.spans.push_back(span(i % 5 == 0 ? "cart" : "checkout", names[i % 2],
                           i % 3 == 0 ? span_kind::client : span_kind::server, t0 + i * ms, ms));
  auto items = observe_spans("acme", {b});
  CHECK(items.accepted == 40);
  CHECK(items.rejected == 0);
  CHECK(items.items() == 40);
  // Every series appears once per batch, its key and hash as series.hpp builds them.
  std::size_t total = 0;
  for (const auto& s : items.series) {
    CHECK(s.hash == series_hash(s.key));
    CHECK(std::count_if(items.series.begin(), items.series.end(),
                        [&](const auto& o) { return o.key == s.key; })
          == 1);
    total += s.observations.size();
  }
  CHECK(total == 40);
  const auto* a = find(items, span_series("acme", "checkout", "GET /a", span_kind::server));
  REQUIRE(a);
  std::size_t expected = 0;
  for (int i = 0; i < 40; i += 2)
    if (i % 5 != 0 && i % 3 != 0) ++expected;
  CHECK(a->observations.size() == expected);
}

TEST_CASE("more distinct span names than the linear search handles still group exactly",
          "[observations]") {
  span_batch b;
  for (int i = 0; i < 300; ++i)
    b.spans.push_back(span("svc", "op-" + std::to_string(i % 50), span_kind::internal,
                           t0 + i * ms, ms));
  auto items = observe_spans("acme", {b});
  REQUIRE(items.series.size() == 50);
  for (const auto& s : items.series) CHECK(s.observations.size() == 6);
}

TEST_CASE("a span becomes a RED observation, error spans carry an exemplar", "[observations]") {
  span_batch b;
  auto ok = span("checkout", "pay", span_kind::server, t0 + 2 * sec, 7 * ms);
  ok.trace_id[0] = 1;
  auto bad = span("checkout", "pay", span_kind::server, t0 + 3 * sec, 250 * ms, true);
  for (std::size_t i = 0; i < bad.trace_id.size(); ++i)
    bad.trace_id[i] = static_cast<std::uint8_t>(i);
  bad.span_id = {0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3};
  bad.artifact_id = "art-1";
  bad.agent_id = "agent-2";
  bad.skill_id = "skill-3";
  b.spans = {ok, bad};
  auto items = observe_spans("acme", {b});
  REQUIRE(items.series.size() == 1);
  const auto& obs = items.series[0].observations;
  REQUIRE(obs.size() == 2);
  CHECK(obs[0].at == static_cast<timestamp>(t0 + 2 * sec));
  CHECK(obs[0].calls == 1);
  CHECK(obs[0].errors == 0);
  CHECK(obs[0].sum == 7 * ms);
  CHECK(obs[0].bucket == latency_bucket(7 * ms));
  CHECK_FALSE(obs[0].sample);
  CHECK(obs[1].errors == 1);
  REQUIRE(obs[1].sample);
  const auto& e = *obs[1].sample;
  CHECK(e.trace_id == "000102030405060708090a0b0c0d0e0f");
  CHECK(e.span_id == "deadbeef00010203");
  CHECK(e.artifact_id == "art-1");
  CHECK(e.agent_id == "agent-2");
  CHECK(e.skill_id == "skill-3");
  CHECK(e.value == Approx(250.0));
  CHECK(e.at == static_cast<timestamp>(t0 + 3 * sec));
}

TEST_CASE("spans and log records with feedback.category are also kept as signals",
          "[observations]") {
  span_batch b;
  b.spans.push_back(span("svc", "answer", span_kind::internal, t0, ms));
  b.spans.push_back(span("svc", "answer", span_kind::internal, t0 + ms, ms));
  b.spans[1].feedback_category = "accuracy";
  b.spans[1].feedback_sentiment = "negative";
  const span_record expected = b.spans[1];
  auto items = observe_spans("acme", {b});
  CHECK(items.items() == 2); // a signal span still counts as a call
  REQUIRE(items.signal_spans.size() == 1);
  CHECK(items.signal_spans[0] == expected);

  log_batch lb;
  log_record r;
  r.service_name = "svc";
  r.time_unix_nano = t0;
  r.feedback_category = "tone";
  r.record_uid = "uid-1";
  lb.records = {r, r};
  lb.records[1].feedback_category.clear();
  auto logs = observe_logs("acme", {lb});
  CHECK(logs.items() == 2);
  REQUIRE(logs.signal_logs.size() == 1);
  CHECK(logs.signal_logs[0] == r);
}

TEST_CASE("error spans with an artifact id are kept as signals, other error spans are not",
          "[observations]") {
  span_batch b;
  b.spans.push_back(span("svc", "answer", span_kind::internal, t0, ms));
  b.spans.push_back(span("svc", "answer", span_kind::internal, t0 + ms, ms));
  b.spans.push_back(span("svc", "answer", span_kind::internal, t0 + 2 * ms, ms));
  b.spans.push_back(span("svc", "answer", span_kind::internal, t0 + 3 * ms, ms));
  b.spans[0].artifact_id = "art-ok";                         // fine: no signal
  b.spans[1].status_code = status_code::error;               // error, no artifact: no signal
  b.spans[2].status_code = status_code::error;
  b.spans[2].artifact_id = "art-1";                          // error of an artifact: signal
  b.spans[3].status_code = status_code::error;
  const span_record expected = b.spans[2];
  auto items = observe_spans("acme", {b});
  CHECK(items.items() == 4);
  REQUIRE(items.signal_spans.size() == 1);
  CHECK(items.signal_spans[0] == expected);
}

TEST_CASE("gauges and delta sums are observed as they are", "[observations]") {
  metric_batch b;
  b.service_name = "api";
  auto g = point("queue.depth", metric_kind::gauge, temporality::unspecified, 12.5, t0);
  g.attributes = {{"queue", "q1"}};
  auto d = point("requests", metric_kind::sum, temporality::delta, 3, t0 + sec);
  b.points = {g, d};
  auto items = observe_metrics("acme", {b});
  CHECK(items.accepted == 2);
  REQUIRE(items.series.size() == 2);
  CHECK(items.series[0].key == metric_series("acme", "queue.depth", {{"queue", "q1"}}));
  REQUIRE(items.series[0].observations.size() == 1);
  CHECK(items.series[0].observations[0].sum == to_fixed(12.5));
  CHECK(items.series[0].observations[0].calls == 1);
  CHECK(items.series[0].observations[0].at == static_cast<timestamp>(t0));
  CHECK(items.series[1].observations[0].sum == to_fixed(3));
  CHECK(items.series[1].cumulative.empty());
}

TEST_CASE("cumulative sums and histograms go to the shard's trackers", "[observations]") {
  metric_batch b;
  b.service_name = "api";
  auto c = point("bytes", metric_kind::sum, temporality::cumulative, 1000, t0 + sec);
  c.monotonic = true;
  auto h = point("latency", metric_kind::histogram, temporality::cumulative, 0, t0 + 2 * sec);
  h.count = 42;
  h.sum = 4.2;
  h.has_sum = true;
  b.points = {c, h};
  auto items = observe_metrics("acme", {b});
  REQUIRE(items.series.size() == 2);
  const auto& sum = items.series[0];
  CHECK(sum.source == "api");
  CHECK(sum.observations.empty());
  REQUIRE(sum.cumulative.size() == 1);
  CHECK(sum.cumulative[0] == cumulative_sample{static_cast<timestamp>(t0),
                                               static_cast<timestamp>(t0 + sec), 1000, 0, false});
  const auto& hist = items.series[1];
  REQUIRE(hist.cumulative.size() == 1);
  CHECK(hist.cumulative[0].histogram);
  CHECK(hist.cumulative[0].value == 42);
  CHECK(hist.cumulative[0].sum == 4.2);
  CHECK(items.items() == 2);
}

TEST_CASE("delta histograms count their events and sum", "[observations]") {
  metric_batch b;
  auto h = point("latency", metric_kind::histogram, temporality::delta, 0, t0);
  h.count = 7;
  h.sum = 0.35;
  h.has_sum = true;
  b.points = {h};
  auto items = observe_metrics("acme", {b});
  REQUIRE(items.series.size() == 1);
  REQUIRE(items.series[0].observations.size() == 1);
  CHECK(items.series[0].observations[0].calls == 7);
  CHECK(items.series[0].observations[0].sum == to_fixed(0.35));
}

TEST_CASE("points without a value are skipped, unsupported ones are rejected",
          "[observations]") {
  metric_batch b;
  auto stale = point("requests", metric_kind::sum, temporality::delta, 0, t0);
  stale.has_value = false;
  auto unspecified = point("requests", metric_kind::sum, temporality::unspecified, 1, t0);
  b.points = {stale, unspecified};
  b.unsupported_points = 3;
  auto items = observe_metrics("acme", {b});
  CHECK(items.accepted == 1);
  CHECK(items.rejected == 4);
  CHECK(items.series.empty());
  CHECK(items.rejected_reason.find(unsupported_points_reason) != std::string::npos);
  CHECK(items.rejected_reason.find(unspecified_temporality_reason) != std::string::npos);
}

TEST_CASE("log records count per (service, level), at their time or observed time",
          "[observations]") {
  log_batch b;
  log_record r;
  r.service_name = "api";
  r.severity_number = 17; // ERROR
  r.time_unix_nano = t0;
  r.trace_id[15] = 0xab;
  r.span_id[7] = 0xcd;
  r.artifact_id = "art";
  log_record info = r;
  info.severity_number = 9;
  info.time_unix_nano = 0;
  info.observed_unix_nano = t0 + sec;
  info.trace_id = {};
  log_record untimed = info;
  untimed.observed_unix_nano = 0;
  b.records = {r, info, r, untimed};
  auto items = observe_logs("acme", {b});
  CHECK(items.accepted == 3);
  CHECK(items.rejected == 1);
  CHECK(items.rejected_reason == untimed_record_reason);
  const auto* errors = find(items, log_series("acme", "api", log_level::error));
  const auto* infos = find(items, log_series("acme", "api", log_level::info));
  REQUIRE(errors);
  REQUIRE(infos);
  REQUIRE(errors->observations.size() == 2);
  REQUIRE(errors->observations[0].sample);
  CHECK(errors->observations[0].sample->trace_id == "000000000000000000000000000000ab");
  CHECK(errors->observations[0].sample->span_id == "00000000000000cd");
  CHECK(errors->observations[0].sample->artifact_id == "art");
  REQUIRE(infos->observations.size() == 1);
  CHECK(infos->observations[0].at == static_cast<timestamp>(t0 + sec));
  CHECK_FALSE(infos->observations[0].sample);
}
