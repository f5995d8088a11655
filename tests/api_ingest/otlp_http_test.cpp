// OTLP/HTTP receiver with a real cpp-httplib client: protobuf, JSON and gzip accepted into the
// real aggregation; malformed protobuf and JSON answered 400 and dead-lettered with their
// envelope; wrong content type 415 and oversize 413 without dead letters; partial_success in
// the request's encoding; 429 with Retry-After; bad tokens 401; /healthz and /metrics.
#include "api_ingest/ingest_fixture.hpp"

#include <google/protobuf/util/json_util.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

using namespace tocsin;
using test::ingest_fixture;
using test::ingest_setup;
namespace col_trace = test::col_trace;
namespace col_metrics = test::col_metrics;
using json = nlohmann::json;

namespace {

constexpr const char* protobuf = "application/x-protobuf";

httplib::Client client(const ingest_fixture& f) {
  httplib::Client c("127.0.0.1", f.receivers.http_port());
  c.set_read_timeout(30, 0);
  c.set_write_timeout(30, 0);
  return c;
}

std::string json_traces(const std::string& service, const std::string& name, int n,
                        domain::timestamp end) {
  json spans = json::array();
  for (int i = 0; i < n; ++i)
    spans.push_back({{"traceId", "5b8efff798038103d269b633813fc6" + std::to_string(10 + i)},
                     {"spanId", "eee19b7ec3c1b1" + std::to_string(10 + i)},
                     {"name", name},
                     {"kind", 2},
                     {"startTimeUnixNano", std::to_string(end - 5'000'000)},
                     {"endTimeUnixNano", std::to_string(end)},
                     {"status", {{"code", i == 0 ? 2 : 0}}}});
  json req = {{"resourceSpans",
               {{{"resource",
                  {{"attributes",
                    {{{"key", "service.name"}, {"value", {{"stringValue", service}}}}}}}},
                 {"scopeSpans", {{{"spans", spans}}}}}}}};
  return req.dump();
}

} // namespace

TEST_CASE("OTLP/HTTP accepts protobuf, JSON and gzip") {
  ingest_fixture f;
  auto c = client(f);
  auto pb_body = f.traces("web", "GET /", 3, 1).SerializeAsString();
  auto r1 = c.Post("/v1/traces", pb_body, protobuf);
  REQUIRE(r1);
  CHECK(r1->status == 200);
  CHECK(r1->get_header_value("Content-Type") == protobuf);
  col_trace::ExportTraceServiceResponse resp;
  CHECK(resp.ParseFromString(r1->body));
  CHECK_FALSE(resp.has_partial_success());
  CHECK(f.wait_for_calls("default", "web", "GET /", 3).value.errors == 1);

  auto r2 = c.Post("/v1/traces", json_traces("web", "GET /json", 4, f.clock.now()),
                   "application/json; charset=utf-8");
  REQUIRE(r2);
  CHECK(r2->status == 200);
  CHECK(r2->get_header_value("Content-Type") == "application/json");
  auto sum = f.wait_for_calls("default", "web", "GET /json", 4);
  CHECK(sum.value.calls == 4);
  CHECK(sum.value.errors == 1);

  auto gz = client(f);
  gz.set_compress(true); // gzip request body, Content-Encoding: gzip
  auto r3 = gz.Post("/v1/traces", f.traces("web", "GET /gz", 6).SerializeAsString(), protobuf);
  REQUIRE(r3);
  CHECK(r3->status == 200);
  CHECK(f.wait_for_calls("default", "web", "GET /gz", 6).value.calls == 6);
  CHECK(f.dead_letters().empty());
}

TEST_CASE("OTLP/HTTP answers partial_success in the request's encoding") {
  ingest_fixture f;
  auto c = client(f);
  auto req = f.metrics_with_exp_histogram();
  auto r = c.Post("/v1/metrics", req.SerializeAsString(), protobuf);
  REQUIRE(r);
  CHECK(r->status == 200);
  col_metrics::ExportMetricsServiceResponse resp;
  REQUIRE(resp.ParseFromString(r->body));
  CHECK(resp.partial_success().rejected_data_points() == 1);

  std::string as_json;
  REQUIRE(google::protobuf::util::MessageToJsonString(req, &as_json).ok());
  auto rj = c.Post("/v1/metrics", as_json, "application/json");
  REQUIRE(rj);
  CHECK(rj->status == 200);
  auto body = json::parse(rj->body);
  CHECK(body["partialSuccess"]["rejectedDataPoints"] == "1");
}

TEST_CASE("OTLP/HTTP refuses malformed protobuf and JSON and dead-letters them") {
  ingest_fixture f;
  auto c = client(f);
  httplib::Headers auth{{"Authorization", "Bearer acme-token"}};
  const std::string bad_pb("\x0a\x7f" "truncated", 11);
  auto r1 = c.Post("/v1/traces", auth, bad_pb, protobuf);
  REQUIRE(r1);
  CHECK(r1->status == 400);
  CHECK(r1->get_header_value("Content-Type") == protobuf);
  google::rpc::Status st;
  REQUIRE(st.ParseFromString(r1->body));
  CHECK(st.code() == 3); // INVALID_ARGUMENT
  CHECK_THAT(st.message(), Catch::Contains("dead letter otlp/"));

  const std::string bad_json = R"({"resourceLogs": [ {"scopeLogs": )";
  auto r2 = c.Post("/v1/logs", bad_json, "application/json");
  REQUIRE(r2);
  CHECK(r2->status == 400);
  CHECK(json::parse(r2->body)["code"] == 3);

  auto rows = f.dead_letters();
  REQUIRE(rows.size() == 2);
  auto first = api::decode_otlp_dead_letter(rows[0].second);
  auto second = api::decode_otlp_dead_letter(rows[1].second);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->payload == bad_pb);
  CHECK(first->env.tenant == "acme");
  CHECK(first->env.receiver == "http");
  CHECK(first->env.signal == "traces");
  CHECK(first->env.content_type == protobuf);
  CHECK(first->env.reason == "malformed");
  CHECK(first->env.caller.type == api::principal::kind::tenant);
  CHECK(second->payload == bad_json);
  CHECK(second->env.tenant.empty()); // anonymous, and the payload named none
  CHECK(second->env.signal == "logs");
  CHECK(second->env.content_type == "application/json");
  CHECK_FALSE(second->env.last_error.empty());
}

TEST_CASE("OTLP/HTTP keeps a gzip body as decoded and dead-letters a corrupt gzip stream") {
  ingest_fixture f;
  auto gz = client(f);
  gz.set_compress(true);
  const std::string bad_pb("\x0a\x7f" "still truncated", 17);
  auto r = gz.Post("/v1/traces", bad_pb, protobuf);
  REQUIRE(r);
  CHECK(r->status == 400);
  auto c = client(f);
  httplib::Headers gzip{{"Content-Encoding", "gzip"}};
  // A gzip header, then a deflate block of the reserved type 3: zlib reports a data error.
  const std::string corrupt_gzip("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07\x00\x00", 13);
  auto r2 = c.Post("/v1/traces", gzip, corrupt_gzip, protobuf);
  REQUIRE(r2);
  CHECK(r2->status == 400);
  auto rows = f.dead_letters();
  REQUIRE(rows.size() == 2);
  auto dl = api::decode_otlp_dead_letter(rows[0].second);
  REQUIRE(dl);
  CHECK(dl->payload == bad_pb);
  CHECK(dl->env.content_encoding == "gzip");
  auto corrupt = api::decode_otlp_dead_letter(rows[1].second);
  REQUIRE(corrupt);
  CHECK_THAT(corrupt->env.last_error, Catch::Contains("gzip"));
}

TEST_CASE("OTLP/HTTP refuses a wrong content type (415) and oversize bodies (413)") {
  ingest_setup s;
  s.max_body = 8192;
  ingest_fixture f{s};
  auto c = client(f);
  auto r1 = c.Post("/v1/traces", "hello", "text/plain");
  REQUIRE(r1);
  CHECK(r1->status == 415);
  CHECK(json::parse(r1->body)["code"] == 3);

  auto big = f.traces("svc", std::string(300, 'n'), 100).SerializeAsString();
  REQUIRE(big.size() > 8192);
  auto r2 = c.Post("/v1/traces", big, protobuf);
  REQUIRE(r2);
  CHECK(r2->status == 413);

  // Small when compressed, too large once gzip is undone.
  auto gz = client(f);
  gz.set_compress(true);
  auto r3 = gz.Post("/v1/traces", std::string(100'000, '\0'), protobuf);
  REQUIRE(r3);
  CHECK(r3->status == 413);

  // The connection stays usable after each refusal.
  auto ok = c.Post("/v1/traces", f.traces("svc", "op", 1).SerializeAsString(), protobuf);
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(f.dead_letters().empty());
  const auto& n = f.receivers.counters().requests[1][0];
  CHECK(n[7].load() == 1); // unsupported_media
  CHECK(n[6].load() == 2); // too_large
}

TEST_CASE("OTLP/HTTP answers 429 with Retry-After when aggregation is full, 401 on bad tokens") {
  ingest_setup s;
  s.max_queued = 2;
  ingest_fixture f{s};
  auto c = client(f);
  auto r = c.Post("/v1/traces", f.traces("svc", "op", 3).SerializeAsString(), protobuf);
  REQUIRE(r);
  CHECK(r->status == 429);
  CHECK(r->get_header_value("Retry-After") == "2"); // 1500 ms rounded up
  google::rpc::Status st;
  REQUIRE(st.ParseFromString(r->body));
  CHECK(st.code() == 8); // RESOURCE_EXHAUSTED
  REQUIRE(st.details_size() == 1);
  google::rpc::RetryInfo info;
  REQUIRE(st.details(0).UnpackTo(&info));
  CHECK(info.retry_delay().seconds() == 1);
  CHECK(info.retry_delay().nanos() == 500'000'000);

  httplib::Headers bad{{"Authorization", "Bearer nope"}};
  auto r2 = c.Post("/v1/traces", bad, f.traces("svc", "op", 1).SerializeAsString(), protobuf);
  REQUIRE(r2);
  CHECK(r2->status == 401);
  CHECK(f.dead_letters().empty());
}

TEST_CASE("/healthz reports the receivers and the engine") {
  ingest_fixture f;
  auto c = client(f);
  auto r = c.Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  auto j = json::parse(r->body);
  CHECK(j["status"] == "ok");
  CHECK(j["details"]["engine"] == "ok");
  CHECK(j["details"]["otlp_grpc_port"] == std::to_string(f.receivers.grpc_port()));
}

TEST_CASE("/metrics renders Prometheus text and counts requests") {
  ingest_fixture f;
  auto c = client(f);
  REQUIRE(c.Post("/v1/traces", f.traces("svc", "op", 7).SerializeAsString(), protobuf)->status
          == 200);
  REQUIRE(c.Post("/v1/traces", "junk", protobuf)->status == 400);
  auto r = c.Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = r->body;
  CHECK_THAT(text, Catch::Contains("# TYPE tocsin_otlp_requests_total counter"));
  CHECK_THAT(text, Catch::Contains(
                     "tocsin_otlp_requests_total{transport=\"http\",signal=\"traces\","
                     "outcome=\"accepted\"} 1\n"));
  CHECK_THAT(text, Catch::Contains(
                     "tocsin_otlp_requests_total{transport=\"http\",signal=\"traces\","
                     "outcome=\"malformed\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("tocsin_otlp_spans_received_total{transport=\"http\"} 7\n"));
  CHECK_THAT(text, Catch::Contains(
                     "tocsin_otlp_dead_letters_total{transport=\"http\",signal=\"traces\"} 1\n"));
  // The dead letter was a store commit: the commit latency histogram saw it.
  CHECK_THAT(text, Catch::Contains("# TYPE tocsin_journal_commit_seconds histogram"));
  CHECK_THAT(text, Catch::Contains("tocsin_journal_commit_seconds_bucket{le=\"+Inf\"}"));
  CHECK_THAT(text, Catch::Contains("tocsin_store_commits_total"));
}
