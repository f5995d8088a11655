// OTLP trace decoding throughput, one core: the fast wire decoder (api/otlp) into span_batch
// against protobuf's generated parser (ParseFromArray) on the same pre-serialized requests of 512
// spans x 10 attributes. items_per_second = spans/s on one core. Compiles to nothing unless the
// binary links tocsin_otlp (TOCSIN_HAVE_OTLP), so the shared bench glob stays buildable.
#ifdef TOCSIN_HAVE_OTLP

#include "api/otlp/otlp_convert.hpp"
#include "api/otlp/otlp_decode.hpp"

#include "otlp_request_support.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <string>

namespace tocsin::bench {
namespace {

namespace coltrace = opentelemetry::proto::collector::trace::v1;
namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

constexpr int spans_per_request = 512;



// What an instrumented HTTP service exports: SDK resource attributes, server spans with the
// HTTP semantic-convention attributes, and our artifact id.
std::string make_request(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  coltrace::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  auto* res = rs->mutable_resource()->mutable_attributes();
  otlp_request::str_attr(res, "service.name", "checkout");
  otlp_request::str_attr(res, "service.version", "2.14.1");
  otlp_request::str_attr(res, "service.instance.id", "checkout-7d9f8b6c5-x2x7q");
  otlp_request::str_attr(res, "deployment.environment", "production");
  otlp_request::str_attr(res, "host.name", "ip-10-0-12-34.eu-west-1.compute.internal");
  otlp_request::str_attr(res, "telemetry.sdk.name", "opentelemetry");
  otlp_request::str_attr(res, "telemetry.sdk.language", "java");
  otlp_request::str_attr(res, "telemetry.sdk.version", "1.32.0");
  otlp_request::str_attr(res, "tenant.id", "acme");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("io.opentelemetry.tomcat-10.0");
  ss->mutable_scope()->set_version("1.32.0-alpha");
  static const char* routes[] = {"/api/v1/orders/{id}", "/api/v1/cart", "/api/v1/payments",
                                 "/healthz"};
  std::uint64_t t0 = 1'700'000'000'000'000'000ull;
  for (int i = 0; i < spans_per_request; ++i) {
    auto* s = ss->add_spans();
    s->set_trace_id(otlp_request::random_bytes(rng, 16));
    s->set_span_id(otlp_request::random_bytes(rng, 8));
    s->set_parent_span_id(otlp_request::random_bytes(rng, 8));
    s->set_flags(0x301);
    const char* route = routes[rng() % 4];
    s->set_name(std::string("GET ") + route);
    s->set_kind(trace::Span::SPAN_KIND_SERVER);
    s->set_start_time_unix_nano(t0 + static_cast<std::uint64_t>(i) * 1'000'000);
    s->set_end_time_unix_nano(s->start_time_unix_nano() + rng() % 500'000'000);
    auto* a = s->mutable_attributes();
    otlp_request::str_attr(a, "http.request.method", "GET");
    otlp_request::str_attr(a, "http.route", route);
    int status = rng() % 20 == 0 ? 503 : 200;
    otlp_request::int_attr(a, "http.response.status_code", status);
    otlp_request::str_attr(a, "url.path", "/api/v1/orders/" + std::to_string(rng() % 100000));
    otlp_request::str_attr(a, "url.scheme", "https");
    otlp_request::str_attr(a, "server.address", "checkout.internal");
    otlp_request::int_attr(a, "server.port", 8443);
    otlp_request::str_attr(a, "user_agent.original",
             "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)");
    otlp_request::str_attr(a, "network.protocol.version", "1.1");
    otlp_request::str_attr(a, "artifact.id", "art-" + std::to_string(rng() % 1000));
    if (status >= 500)
      s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
  }
  return req.SerializeAsString();
}

const std::string& request() {
  static const std::string bytes = make_request(42);
  return bytes;
}

void count(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * spans_per_request);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(request().size()));
  state.counters["request_bytes"] = static_cast<double>(request().size());
}

// (a) The fast path: wire bytes -> domain::span_batch.
void BM_OtlpFastDecode(benchmark::State& state) {
  const auto& bytes = request();
  for (auto _ : state) {
    auto out = api::otlp::decode_traces(bytes);
    if (!out.ok() || out->at(0).spans.size() != spans_per_request)
      state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out);
  }
  count(state);
}
BENCHMARK(BM_OtlpFastDecode);

// (b) The reference: a full parse into a fresh generated message, as a server does per request.
void BM_OtlpGeneratedParse(benchmark::State& state) {
  const auto& bytes = request();
  for (auto _ : state) {
    coltrace::ExportTraceServiceRequest req;
    if (!req.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(req);
  }
  count(state);
}
BENCHMARK(BM_OtlpGeneratedParse);

// (b') The generated parser at its best: one message reused, so its allocations are recycled.
void BM_OtlpGeneratedParseReused(benchmark::State& state) {
  const auto& bytes = request();
  coltrace::ExportTraceServiceRequest req;
  for (auto _ : state) {
    req.Clear();
    if (!req.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(req);
  }
  count(state);
}
BENCHMARK(BM_OtlpGeneratedParseReused);

// (c) What the fast path replaces end to end: generated parse, then conversion to span_batch.
void BM_OtlpGeneratedParseAndConvert(benchmark::State& state) {
  const auto& bytes = request();
  for (auto _ : state) {
    coltrace::ExportTraceServiceRequest req;
    if (!req.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      state.SkipWithError("parse failed");
    auto out = api::otlp::from_proto(req);
    benchmark::DoNotOptimize(out);
  }
  count(state);
}
BENCHMARK(BM_OtlpGeneratedParseAndConvert);

} // namespace
} // namespace tocsin::bench

#endif // TOCSIN_HAVE_OTLP
