// tocsin-loadgen's pre-serialized requests and retry hints: what a rendered request decodes to
// with the generated OTLP classes, and RetryInfo read from real google.rpc.Status bytes.
#include "tools/loadgen/request_template.hpp"
#include "tools/loadgen/retry_info.hpp"

#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <catch2/catch.hpp>

#include <set>

using namespace tocsin::loadgen;
namespace coltrace = opentelemetry::proto::collector::trace::v1;
namespace trace = opentelemetry::proto::trace::v1;

namespace {

coltrace::ExportTraceServiceRequest render(const request_template& t, std::uint64_t seq,
                                           std::uint64_t now) {
  std::string bytes(t.size(), '\0');
  t.render(seq, now, bytes.data());
  coltrace::ExportTraceServiceRequest req;
  REQUIRE(req.ParseFromString(bytes));
  return req;
}

std::string attr(const google::protobuf::RepeatedPtrField<
                   opentelemetry::proto::common::v1::KeyValue>& attrs, const std::string& key) {
  for (const auto& kv : attrs)
    if (kv.key() == key)
      return kv.value().has_string_value() ? kv.value().string_value()
                                           : std::to_string(kv.value().int_value());
  return {};
}

} // namespace

TEST_CASE("a rendered request carries the shape asked for, fresh ids and current times") {
  template_shape shape;
  shape.spans = 200;
  shape.attributes = 14;
  shape.error_ratio = 0.05;
  shape.service = "checkout";
  shape.span_names = {"POST /checkout", "GET /cart"};
  shape.tenant = "acme";
  const request_template t(shape);
  REQUIRE(t.spans() == 200);
  CHECK(t.error_spans() == 10);

  const std::uint64_t now = 1'750'000'000'000'000'000ull;
  const auto a = render(t, 1, now);
  const auto& rs = a.resource_spans(0);
  CHECK(attr(rs.resource().attributes(), "service.name") == "checkout");
  CHECK(attr(rs.resource().attributes(), "tenant.id") == "acme");
  const auto& spans = rs.scope_spans(0).spans();
  REQUIRE(spans.size() == 200);
  int errors = 0;
  std::set<std::string> trace_ids;
  for (int i = 0; i < spans.size(); ++i) {
    const auto& s = spans[i];
    CHECK(s.name() == (i % 2 == 0 ? "POST /checkout" : "GET /cart"));
    CHECK(s.kind() == trace::Span::SPAN_KIND_SERVER);
    CHECK(s.attributes_size() == 14);
    CHECK(s.end_time_unix_nano() <= now);
    CHECK(s.end_time_unix_nano() > now - 1'000'000'000ull);
    CHECK(s.start_time_unix_nano() < s.end_time_unix_nano());
    const bool error = s.status().code() == trace::Status::STATUS_CODE_ERROR;
    errors += error ? 1 : 0;
    CHECK(attr(s.attributes(), "http.response.status_code") == (error ? "500" : "200"));
    CHECK_FALSE(attr(s.attributes(), "artifact.id").empty());
    trace_ids.insert(s.trace_id());
  }
  CHECK(errors == 10);
  CHECK(trace_ids.size() == 200);

  // Another send: every id differs, the rest of the request is the same.
  const auto b = render(t, 2, now + 5'000'000'000ull);
  const auto& spans_b = b.resource_spans(0).scope_spans(0).spans();
  for (int i = 0; i < spans.size(); ++i) {
    CHECK(spans_b[i].trace_id() != spans[i].trace_id());
    CHECK(spans_b[i].span_id() != spans[i].span_id());
    CHECK(spans_b[i].end_time_unix_nano() == spans[i].end_time_unix_nano() + 5'000'000'000ull);
    CHECK(spans_b[i].name() == spans[i].name());
  }
}

TEST_CASE("the error ratio is exact per request, from none to all") {
  for (double ratio : {0.0, 0.25, 1.0}) {
    template_shape shape;
    shape.spans = 64;
    shape.error_ratio = ratio;
    shape.service = "svc";
    shape.span_names = {"GET /x"};
    shape.attributes = 0;
    const request_template t(shape);
    CHECK(t.error_spans() == static_cast<std::size_t>(64 * ratio));
    const auto req = render(t, 9, 1'750'000'000'000'000'000ull);
    CHECK(req.resource_spans(0).scope_spans(0).spans(0).attributes_size() == 0);
  }
}

TEST_CASE("RetryInfo is read from grpc-status-details-bin, anything else gives no hint") {
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(1);
  info.mutable_retry_delay()->set_nanos(250'000'000);
  google::rpc::Status status;
  status.set_code(8);
  status.set_message("slow down");
  status.add_details()->PackFrom(info);
  CHECK(retry_delay(status.SerializeAsString()) == std::chrono::milliseconds{1250});

  google::rpc::Status other;
  other.add_details()->PackFrom(status); // an Any of another type
  CHECK_FALSE(retry_delay(other.SerializeAsString()));
  CHECK_FALSE(retry_delay(""));
  CHECK_FALSE(retry_delay("\xff\xff\xff not a status"));
}
