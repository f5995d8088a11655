// OTLP/gRPC receiver over a real gRPC client (generated stubs) into the real aggregation:
// accepted spans show in the shard's series, partial_success for unsupported points, malformed
// payloads refused and dead-lettered, bad tokens refused, overload answered RESOURCE_EXHAUSTED
// with RetryInfo, oversize refused by gRPC itself, tenants from tokens.
#include "api_ingest/ingest_fixture.hpp"

#include <grpcpp/generic/generic_stub.h>

#include <condition_variable>
#include <mutex>

using namespace tocsin;
using test::ingest_fixture;
using test::ingest_setup;
namespace col_trace = test::col_trace;
namespace col_metrics = test::col_metrics;

TEST_CASE("OTLP/gRPC spans reach the aggregation") {
  ingest_fixture f;
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  col_trace::ExportTraceServiceResponse resp;
  auto status = stub->Export(f.ctx().get(), f.traces("checkout", "POST /pay", 5, 2), &resp);
  REQUIRE(status.ok());
  CHECK_FALSE(resp.has_partial_success());
  auto sum = f.wait_for_calls("default", "checkout", "POST /pay", 5);
  CHECK(sum.known);
  CHECK(sum.value.calls == 5);
  CHECK(sum.value.errors == 2);
  const auto& c = f.receivers.counters();
  CHECK(c.received[0][0].load() == 5);
  CHECK(c.accepted[0][0].load() == 5);
  CHECK(f.dead_letters().empty());
}

TEST_CASE("OTLP/gRPC tenants come from the token, from tenant.id in dev mode and for collectors") {
  ingest_fixture f;
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  col_trace::ExportTraceServiceResponse resp;
  // A tenant token: the resource's tenant.id naming another tenant is ignored.
  REQUIRE(stub->Export(f.ctx("acme-token").get(), f.traces("svc", "op", 3, 0, "globex"), &resp)
            .ok());
  CHECK(f.wait_for_calls("acme", "svc", "op", 3).value.calls == 3);
  // Anonymous (dev): the hint names the tenant.
  REQUIRE(stub->Export(f.ctx().get(), f.traces("svc", "op", 2, 0, "globex"), &resp).ok());
  CHECK(f.wait_for_calls("globex", "svc", "op", 2).value.calls == 2);
  // A collector token acts for the tenants it lists, per resource.
  REQUIRE(stub->Export(f.ctx("collector-token").get(), f.traces("svc", "op2", 1, 0, "globex"),
                       &resp)
            .ok());
  CHECK(f.wait_for_calls("globex", "svc", "op2", 1).value.calls == 1);
  auto denied = stub->Export(f.ctx("collector-token").get(), f.traces("svc", "op", 1, 0, "initech"),
                             &resp);
  CHECK(denied.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  // The admin service token lacks telemetry:write.
  auto no_scope = stub->Export(f.ctx("ops-token").get(), f.traces("svc", "op", 1), &resp);
  CHECK(no_scope.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(f.dead_letters().empty());
}

TEST_CASE("OTLP/gRPC refuses a bad token without dead-lettering") {
  ingest_fixture f{ingest_setup{false, 1'000'000, std::size_t{1} << 20, false}};
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  col_trace::ExportTraceServiceResponse resp;
  CHECK(stub->Export(f.ctx("wrong").get(), f.traces("svc", "op", 1), &resp).error_code()
        == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(stub->Export(f.ctx().get(), f.traces("svc", "op", 1), &resp).error_code()
        == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(stub->Export(f.ctx("acme-token").get(), f.traces("svc", "op", 1), &resp).ok());
  CHECK(f.dead_letters().empty());
  CHECK(f.receivers.counters().requests[0][0][4].load() == 2); // outcome unauthenticated
}

TEST_CASE("OTLP/gRPC answers partial_success for unsupported metric points") {
  ingest_fixture f;
  auto stub = col_metrics::MetricsService::NewStub(f.otlp_channel());
  col_metrics::ExportMetricsServiceResponse resp;
  REQUIRE(stub->Export(f.ctx().get(), f.metrics_with_exp_histogram(), &resp).ok());
  REQUIRE(resp.has_partial_success());
  CHECK(resp.partial_success().rejected_data_points() == 1);
  CHECK_FALSE(resp.partial_success().error_message().empty());
  CHECK(f.receivers.counters().rejected[0][1].load() == 1);
  CHECK(f.receivers.counters().accepted[0][1].load() == 1);
}

TEST_CASE("OTLP/gRPC refuses a malformed payload and dead-letters it") {
  ingest_fixture f;
  // Raw bytes through a generic stub: a length-delimited field running past the end.
  grpc::GenericStub generic(f.otlp_channel());
  const std::string garbage = std::string("\x0a\x7f", 2) + "not enough bytes";
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1), response;
  auto ctx = f.ctx("acme-token");
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(ctx.get(), "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                    grpc::StubOptions{}, &request, &response, [&](grpc::Status s) {
                      std::lock_guard<std::mutex> guard(mu);
                      status = std::move(s);
                      done = true;
                      cv.notify_all();
                    });
  {
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds{30}, [&] { return done; }));
  }
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(status.error_message(), Catch::Contains("dead letter otlp/"));
  // Durable before the answer: readable at once.
  auto rows = f.dead_letters();
  REQUIRE(rows.size() == 1);
  auto dl = api::decode_otlp_dead_letter(rows[0].second);
  REQUIRE(dl);
  CHECK(dl->payload == garbage);
  CHECK(dl->env.tenant == "acme");
  CHECK(dl->env.receiver == "grpc");
  CHECK(dl->env.signal == "traces");
  CHECK(dl->env.content_type == "application/x-protobuf");
  CHECK(dl->env.reason == "malformed");
  CHECK_FALSE(dl->env.last_error.empty());
  CHECK(dl->env.attempts == 1);
  CHECK(dl->env.received_at == f.clock.now());
  CHECK(f.receivers.counters().dead_lettered[0][0].load() == 1);
}

TEST_CASE("OTLP/gRPC answers RESOURCE_EXHAUSTED with RetryInfo when aggregation is full") {
  ingest_setup s;
  s.max_queued = 4; // five spans can never fit
  ingest_fixture f{s};
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  col_trace::ExportTraceServiceResponse resp;
  auto status = stub->Export(f.ctx().get(), f.traces("svc", "op", 5), &resp);
  CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(test::retry_delay_ms(status) == 1500);
  CHECK(f.dead_letters().empty()); // the client retries: nothing to keep
  CHECK(stub->Export(f.ctx().get(), f.traces("svc", "op", 2), &resp).ok());
}

TEST_CASE("OTLP/gRPC refuses a message above max_body without dead-lettering") {
  ingest_setup s;
  s.max_body = 4096;
  ingest_fixture f{s};
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  col_trace::ExportTraceServiceResponse resp;
  auto status = stub->Export(f.ctx().get(), f.traces(std::string(200, 's'), "op", 100), &resp);
  CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(f.dead_letters().empty());
}

TEST_CASE("OTLP/gRPC accepts a request that arrives in several slices") {
  ingest_fixture f; // max_body 1 MiB
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  auto req = f.traces("bulk", std::string(200, 'n'), 2000);
  REQUIRE(req.ByteSizeLong() > 256 * 1024);
  col_trace::ExportTraceServiceResponse resp;
  REQUIRE(stub->Export(f.ctx().get(), req, &resp).ok());
  CHECK(f.wait_for_calls("default", "bulk", std::string(200, 'n'), 2000).value.calls == 2000);
}
