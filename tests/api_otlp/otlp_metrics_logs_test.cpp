// Fast OTLP metrics and logs decoding against the generated parser, plus the fields the engine
// relies on (histogram buckets, temporality, no-recorded-value points, feedback attributes).
#include "otlp_test_support.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
using namespace tocsin::otlp_test;

TEST_CASE("fast metrics decoding equals the generated parser on random requests", "[otlp]") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    request_maker mk(seed);
    auto wire = mk.metrics().SerializeAsString();
    auto fast = api::otlp::decode_metrics(wire);
    auto ref = reference_decode<colmetrics::ExportMetricsServiceRequest>(wire);
    INFO("seed " << seed);
    REQUIRE(fast.ok());
    REQUIRE(ref.ok());
    REQUIRE(fast->size() == ref->size());
    for (std::size_t b = 0; b < ref->size(); ++b) {
      const auto& fb = (*fast)[b];
      const auto& rb = (*ref)[b];
      CHECK(fb.service_name == rb.service_name);
      CHECK(fb.tenant_hint == rb.tenant_hint);
      CHECK(fb.unsupported_points == rb.unsupported_points);
      REQUIRE(fb.points.size() == rb.points.size());
      for (std::size_t i = 0; i < rb.points.size(); ++i) {
        INFO("batch " << b << " point " << i);
        CHECK(fb.points[i].name == rb.points[i].name);
        CHECK(fb.points[i].attributes == rb.points[i].attributes);
        CHECK(fb.points[i] == rb.points[i]);
      }
    }
  }
}

TEST_CASE("fast metrics decoding reads sums, gauges and histograms", "[otlp]") {
  colmetrics::ExportMetricsServiceRequest req;
  auto* rm = req.add_resource_metrics();
  set_str(rm->mutable_resource()->add_attributes(), "service.name", "checkout");
  auto* sm = rm->add_scope_metrics();

  auto* sum = sm->add_metrics();
  sum->set_name("requests");
  sum->mutable_sum()->set_aggregation_temporality(metrics::AGGREGATION_TEMPORALITY_DELTA);
  sum->mutable_sum()->set_is_monotonic(true);
  auto* sp = sum->mutable_sum()->add_data_points();
  set_str(sp->add_attributes(), "route", "/pay");
  set_str(sp->add_attributes(), "method", "POST");
  sp->set_as_int(-7);
  sp->set_time_unix_nano(5);

  auto* gauge = sm->add_metrics();
  gauge->set_name("queue.depth");
  gauge->mutable_gauge()->add_data_points()->set_flags(1); // no recorded value

  auto* hist = sm->add_metrics();
  hist->set_name("latency");
  hist->mutable_histogram()->set_aggregation_temporality(
    metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* hp = hist->mutable_histogram()->add_data_points();
  hp->set_count(6);
  hp->set_sum(12.5);
  for (double b : {1.0, 2.0})
    hp->add_explicit_bounds(b);
  for (std::uint64_t c : {1, 2, 3})
    hp->add_bucket_counts(c);

  sm->add_metrics()->mutable_summary()->add_data_points();
  sm->add_metrics()->mutable_exponential_histogram()->add_data_points();

  auto out = api::otlp::decode_metrics(req.SerializeAsString());
  REQUIRE(out.ok());
  REQUIRE(out->size() == 1);
  const auto& batch = out->front();
  CHECK(batch.service_name == "checkout");
  CHECK(batch.unsupported_points == 2);
  REQUIRE(batch.points.size() == 3);

  const auto& s = batch.points[0];
  CHECK(s.name == "requests");
  CHECK(s.kind == domain::metric_kind::sum);
  CHECK(s.temporality == domain::temporality::delta);
  CHECK(s.monotonic);
  CHECK(s.has_value);
  CHECK(s.value == -7.0);
  CHECK(s.time_unix_nano == 5);
  CHECK(s.attributes == domain::attribute_list{{"method", "POST"}, {"route", "/pay"}}); // sorted

  CHECK(batch.points[1].kind == domain::metric_kind::gauge);
  CHECK_FALSE(batch.points[1].has_value);

  const auto& h = batch.points[2];
  CHECK(h.kind == domain::metric_kind::histogram);
  CHECK(h.temporality == domain::temporality::cumulative);
  CHECK(h.count == 6);
  CHECK(h.has_sum);
  CHECK(h.sum == 12.5);
  CHECK(h.bounds == std::vector<double>{1.0, 2.0});
  CHECK(h.bucket_counts == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("fast metrics decoding accepts unpacked repeated fields", "[otlp]") {
  // bucket_counts (6, fixed64) and explicit_bounds (7, double) sent one element per field, as
  // proto2-era senders may: parsers must accept both encodings.
  auto le64 = [](std::uint64_t v) {
    std::string s(8, '\0');
    std::memcpy(s.data(), &v, 8);
    return s;
  };
  double bound = 2.5;
  std::uint64_t bound_bits;
  std::memcpy(&bound_bits, &bound, 8);
  std::string point = std::string(1, char(6 << 3 | 1)) + le64(4) + std::string(1, char(6 << 3 | 1)) +
                      le64(5) + std::string(1, char(7 << 3 | 1)) + le64(bound_bits);
  auto ld = [](int field, const std::string& payload) { // payloads here are < 128 bytes
    return std::string(1, char(field << 3 | 2)) + char(payload.size()) + payload;
  };
  std::string metric = ld(1, "h") + ld(9, ld(1, point));
  std::string wire = ld(1, ld(2, ld(2, metric))); // request / resource / scope / metric

  auto ref = reference_decode<colmetrics::ExportMetricsServiceRequest>(wire);
  REQUIRE(ref.ok());
  auto out = api::otlp::decode_metrics(wire);
  REQUIRE(out.ok());
  const auto& p = out->at(0).points.at(0);
  CHECK(p.bucket_counts == std::vector<std::uint64_t>{4, 5});
  CHECK(p.bounds == std::vector<double>{2.5});
  CHECK(*out == *ref);
}

TEST_CASE("fast logs decoding equals the generated parser on random requests", "[otlp]") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    request_maker mk(seed);
    auto wire = mk.logs().SerializeAsString();
    auto fast = api::otlp::decode_logs(wire);
    auto ref = reference_decode<collogs::ExportLogsServiceRequest>(wire);
    INFO("seed " << seed);
    REQUIRE(fast.ok());
    REQUIRE(ref.ok());
    REQUIRE(fast->size() == ref->size());
    for (std::size_t b = 0; b < ref->size(); ++b) {
      CHECK((*fast)[b].tenant_hint == (*ref)[b].tenant_hint);
      REQUIRE((*fast)[b].records.size() == (*ref)[b].records.size());
      for (std::size_t i = 0; i < (*ref)[b].records.size(); ++i) {
        const auto& f = (*fast)[b].records[i];
        const auto& r = (*ref)[b].records[i];
        INFO("batch " << b << " record " << i);
        CHECK(f.body == r.body);
        CHECK(f.record_uid == r.record_uid);
        CHECK(f.feedback_category == r.feedback_category);
        CHECK(f == r);
      }
    }
  }
}

TEST_CASE("fast logs decoding reads feedback records", "[otlp]") {
  collogs::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  set_str(rl->mutable_resource()->add_attributes(), "service.name", "assistant");
  set_str(rl->mutable_resource()->add_attributes(), "tenant.id", "acme");
  auto* l = rl->add_scope_logs()->add_log_records();
  l->set_time_unix_nano(11);
  l->set_observed_time_unix_nano(12);
  l->set_severity_number(logs::SEVERITY_NUMBER_WARN);
  l->set_severity_text("WARN");
  l->mutable_body()->set_string_value("user marked the answer wrong");
  set_str(l->add_attributes(), "feedback.category", "hallucination");
  set_str(l->add_attributes(), "feedback.sentiment", "negative");
  set_str(l->add_attributes(), "log.record.uid", "01HF0000000000000000000000");
  set_str(l->add_attributes(), "artifact.id", "art-1");
  l->set_trace_id(std::string(16, '\x01'));
  l->set_span_id(std::string(8, '\x02'));

  auto out = api::otlp::decode_logs(req.SerializeAsString());
  REQUIRE(out.ok());
  CHECK(out->at(0).tenant_hint == "acme");
  const auto& r = out->at(0).records.at(0);
  CHECK(r.service_name == "assistant");
  CHECK(r.time_unix_nano == 11);
  CHECK(r.observed_unix_nano == 12);
  CHECK(r.severity_number == 13);
  CHECK(r.severity_text == "WARN");
  CHECK(r.body == "user marked the answer wrong");
  CHECK(r.feedback_category == "hallucination");
  CHECK(r.feedback_sentiment == "negative");
  CHECK(r.record_uid == "01HF0000000000000000000000");
  CHECK(r.artifact_id == "art-1");
  CHECK(domain::to_hex(r.trace_id) == "01010101010101010101010101010101");
  CHECK(domain::to_hex(r.span_id) == "0202020202020202");

  l->set_span_id("abc");
  auto bad = api::otlp::decode_logs(req.SerializeAsString());
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.err().message, Catch::Contains("log_records[0].span_id: must be 8 bytes"));
}
