// tocsin-loadgen's sending loop against a real in-process OTLP trace server on loopback:
// throttling with RetryInfo is retried after the hinted delay, partial_success rejections are
// counted, other errors are not retried, and --rate paces the sends.
#include "tools/loadgen/driver.hpp"

#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

#include <catch2/catch.hpp>

#include <grpcpp/grpcpp.h>

#include <mutex>

using namespace tocsin::loadgen;
using namespace std::chrono_literals;
namespace coltrace = opentelemetry::proto::collector::trace::v1;

namespace {

using steady = std::chrono::steady_clock;

// Answers the first `throttle` calls RESOURCE_EXHAUSTED with a RetryInfo of `hint`, then OK
// with `reject` spans refused per request (or every call with `fail_with`, if set).
class trace_server final : public coltrace::TraceService::CallbackService {
public:
  int throttle = 0;
  std::chrono::milliseconds hint{50}; // 0: RESOURCE_EXHAUSTED without a RetryInfo
  std::int64_t reject = 0;
  grpc::StatusCode fail_with = grpc::OK;

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx,
                                   const coltrace::ExportTraceServiceRequest* req,
                                   coltrace::ExportTraceServiceResponse* resp) override {
    auto* reactor = ctx->DefaultReactor();
    std::lock_guard<std::mutex> lock(m_);
    const auto spans = req->resource_spans(0).scope_spans(0).spans_size();
    calls_.push_back(steady::now());
    if (fail_with != grpc::OK) {
      reactor->Finish(grpc::Status(fail_with, "no thanks"));
    } else if (static_cast<int>(calls_.size()) <= throttle) {
      reactor->Finish(hint.count() > 0
                        ? grpc::Status(grpc::RESOURCE_EXHAUSTED, "slow down", retry_details())
                        : grpc::Status(grpc::RESOURCE_EXHAUSTED, "message too large"));
    } else {
      ok_spans_ += spans;
      ++ok_calls_;
      if (first_ok_ == steady::time_point{})
        first_ok_ = calls_.back();
      if (reject > 0) {
        resp->mutable_partial_success()->set_rejected_spans(reject);
        resp->mutable_partial_success()->set_error_message("too old");
      }
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }

  std::uint64_t ok_spans() { std::lock_guard<std::mutex> l(m_); return ok_spans_; }
  std::uint64_t ok_calls() { std::lock_guard<std::mutex> l(m_); return ok_calls_; }
  // From the first call to the first one answered OK.
  std::chrono::milliseconds until_first_ok() {
    std::lock_guard<std::mutex> l(m_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(first_ok_ - calls_.front());
  }

private:
  std::string retry_details() const {
    google::rpc::RetryInfo info;
    info.mutable_retry_delay()->set_nanos(static_cast<std::int32_t>(hint.count() * 1'000'000));
    google::rpc::Status st;
    st.set_code(grpc::RESOURCE_EXHAUSTED);
    st.add_details()->PackFrom(info);
    return st.SerializeAsString();
  }

  std::mutex m_;
  std::vector<steady::time_point> calls_;
  std::uint64_t ok_spans_ = 0, ok_calls_ = 0;
  steady::time_point first_ok_{};
};

struct running_server {
  trace_server service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  void start() {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&service);
    server = b.BuildAndStart();
    REQUIRE(server);
    REQUIRE(port > 0);
  }
  ~running_server() {
    if (server)
      server->Shutdown(std::chrono::system_clock::now() + 5s);
  }
};

options small_run(int port) {
  options o;
  o.endpoint = "127.0.0.1:" + std::to_string(port);
  o.batch = 16;
  o.concurrency = 2;
  o.attributes = 3;
  o.duration = 1s;
  return o;
}

run_result run(const options& o) {
  std::vector<request_template> templates;
  template_shape shape;
  shape.spans = o.batch;
  shape.attributes = o.attributes;
  shape.service = "checkout";
  shape.span_names = {"POST /checkout"};
  templates.emplace_back(shape);
  live_counters live;
  std::atomic<bool> interrupted{false};
  return run_load(o, templates, live, interrupted);
}

} // namespace

TEST_CASE("throttled calls are retried after the RetryInfo delay, partial success is counted") {
  running_server s;
  s.service.throttle = 3;
  s.service.hint = 60ms;
  s.service.reject = 2;
  s.start();
  const auto r = run(small_run(s.port));

  CHECK(r.retries == 3);
  CHECK(r.retries_by_code.at("RESOURCE_EXHAUSTED") == 3);
  CHECK(r.errors == 0);
  REQUIRE(s.service.ok_calls() > 0);
  // Both slots were throttled at once, so no call went through before the hinted delay.
  CHECK(s.service.until_first_ok() >= 55ms);
  CHECK(r.spans_rejected == 2 * s.service.ok_calls());
  CHECK(r.spans_accepted + r.spans_rejected == s.service.ok_spans());
  CHECK(r.rejection_message == "too old");
  CHECK(r.latency_us.size() == s.service.ok_calls());
  CHECK(r.spans_sent == r.spans_accepted + r.spans_rejected + r.spans_failed);
}

TEST_CASE("other errors are counted and not retried, nothing accepted") {
  running_server s;
  s.service.fail_with = grpc::INVALID_ARGUMENT;
  s.start();
  const auto r = run(small_run(s.port));
  CHECK(r.retries == 0);
  CHECK(r.errors > 0);
  CHECK(r.errors_by_code.at("INVALID_ARGUMENT") == r.errors);
  CHECK_THAT(r.first_error, Catch::StartsWith("INVALID_ARGUMENT: no thanks"));
  CHECK(r.spans_accepted == 0);
  CHECK(r.spans_failed == r.spans_sent);
}

TEST_CASE("RESOURCE_EXHAUSTED without a RetryInfo is final, as the OTLP spec says") {
  running_server s;
  s.service.throttle = 1'000'000;
  s.service.hint = 0ms;
  s.start();
  const auto r = run(small_run(s.port));
  CHECK(r.retries == 0);
  CHECK(r.errors > 0);
  CHECK(r.errors_by_code.at("RESOURCE_EXHAUSTED") == r.errors);
  CHECK(r.spans_accepted == 0);
}

TEST_CASE("a target rate paces the sends: never ahead of it") {
  running_server s;
  s.start();
  auto o = small_run(s.port);
  o.batch = 100;
  o.rate = 2000; // 20 requests in the second
  const auto r = run(o);
  // A loaded machine can only send less; the first request goes at once, hence one more.
  CHECK(r.spans_sent <= 2100);
  CHECK(r.spans_accepted > 0);
  CHECK(r.spans_accepted == s.service.ok_spans());
}
