// In-process ingest throughput, one core: pre-serialized ExportTraceServiceRequest (512 spans x
// 10 attributes, two services, four routes, client and server spans, ~5% errors) ->
// api::otlp::decode_traces -> domain::observe_spans -> domain::series_table::fold, the code an
// aggregator shard runs (watermarks advanced and closed windows drained along the way, as its
// tick does); against protobuf's generated parser on the same bytes as the reference.
// items_per_second = spans/s on one core. Compiles to nothing without tocsin_otlp.
#ifdef TOCSIN_HAVE_OTLP

#include "api/otlp/otlp_convert.hpp"
#include "api/otlp/otlp_decode.hpp"
#include "domain/series_table.hpp"
#include "domain/telemetry_observations.hpp"

#include "otlp_request_support.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <string>

namespace tocsin::bench {
namespace {

namespace coltrace = opentelemetry::proto::collector::trace::v1;
namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

constexpr int ingest_spans = 512;
constexpr int ingest_services = 2;
constexpr std::int64_t request_span_ns = 512'000'000; // event time one request covers
// How often (in requests) the benchmark does what a shard tick does: ~50 ms of traffic at 1M/s.
constexpr int drain_every = 100;



void add_resource(coltrace::ExportTraceServiceRequest& req, const std::string& service,
                  int first, std::mt19937_64& rng) {
  auto* rs = req.add_resource_spans();
  auto* res = rs->mutable_resource()->mutable_attributes();
  otlp_request::str_attr(res, "service.name", service);
  otlp_request::str_attr(res, "service.version", "2.14.1");
  otlp_request::str_attr(res, "service.instance.id", service + "-7d9f8b6c5-x2x7q");
  otlp_request::str_attr(res, "deployment.environment", "production");
  otlp_request::str_attr(res, "host.name", "ip-10-0-12-34.eu-west-1.compute.internal");
  otlp_request::str_attr(res, "telemetry.sdk.name", "opentelemetry");
  otlp_request::str_attr(res, "telemetry.sdk.language", "java");
  otlp_request::str_attr(res, "tenant.id", "acme");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("io.opentelemetry.tomcat-10.0");
  static const char* routes[] = {"/api/v1/orders/{id}", "/api/v1/cart", "/api/v1/payments",
                                 "/healthz"};
  const std::uint64_t t0 = 1'700'000'000'000'000'000ull;
  for (int i = first; i < first + ingest_spans / ingest_services; ++i) {
    auto* s = ss->add_spans();
    s->set_trace_id(otlp_request::random_bytes(rng, 16));
    s->set_span_id(otlp_request::random_bytes(rng, 8));
    s->set_parent_span_id(otlp_request::random_bytes(rng, 8));
    const char* route = routes[rng() % 4];
    const bool server = rng() % 4 != 0;
    s->set_name(std::string(server ? "GET " : "POST ") + route);
    s->set_kind(server ? trace::Span::SPAN_KIND_SERVER : trace::Span::SPAN_KIND_CLIENT);
    s->set_start_time_unix_nano(t0 + static_cast<std::uint64_t>(i) * 1'000'000);
    s->set_end_time_unix_nano(s->start_time_unix_nano() + rng() % 500'000'000);
    auto* a = s->mutable_attributes();
    otlp_request::str_attr(a, "http.request.method", server ? "GET" : "POST");
    otlp_request::str_attr(a, "http.route", route);
    const int status = rng() % 20 == 0 ? 503 : 200;
    otlp_request::int_attr(a, "http.response.status_code", status);
    otlp_request::str_attr(a, "url.path", "/api/v1/orders/" + std::to_string(rng() % 100000));
    otlp_request::str_attr(a, "url.scheme", "https");
    otlp_request::str_attr(a, "server.address", "checkout.internal");
    otlp_request::int_attr(a, "server.port", 8443);
    otlp_request::str_attr(a, "user_agent.original",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)");
    otlp_request::str_attr(a, "network.protocol.version", "1.1");
    otlp_request::str_attr(a, "artifact.id", "art-" + std::to_string(rng() % 1000));
    if (status >= 500) s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
  }
}

const std::string& ingest_request() {
  static const std::string bytes = [] {
    std::mt19937_64 rng(4242);
    coltrace::ExportTraceServiceRequest req;
    add_resource(req, "checkout", 0, rng);
    add_resource(req, "payments", ingest_spans / ingest_services, rng);
    return req.SerializeAsString();
  }();
  return bytes;
}

void report(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * ingest_spans);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(ingest_request().size()));
}

// decode + aggregate: what one request costs the engine from wire bytes to folded windows.
// Each request is shifted 512 ms later in event time (one loop over the decoded spans) so that
// windows keep closing, rolling up and ageing out as in a live shard.
void BM_IngestDecodeAggregate(benchmark::State& state) {
  const auto& bytes = ingest_request();
  domain::series_table table{domain::window_config{}};
  std::int64_t shift = 0;
  domain::timestamp latest = 0;
  int n = 0;
  for (auto _ : state) {
    auto decoded = api::otlp::decode_traces(bytes);
    if (!decoded.ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    for (auto& b : *decoded)
      for (auto& s : b.spans) {
        s.start_unix_nano += static_cast<std::uint64_t>(shift);
        s.end_unix_nano += static_cast<std::uint64_t>(shift);
      }
    shift += request_span_ns;
    domain::telemetry_items items;
    domain::observe_spans("acme", std::move(*decoded), items);
    for (auto& s : items.series) {
      auto r = table.fold(s, latest);
      latest = std::max(latest, r.entry->windows.watermark());
    }
    if (++n % drain_every == 0) {
      table.advance(latest);
      benchmark::DoNotOptimize(table.drain());
    }
  }
  if (table.windows_closed() == 0 && n > 4 * drain_every) state.SkipWithError("no window closed");
  state.counters["series"] = static_cast<double>(table.size());
  report(state);
}
BENCHMARK(BM_IngestDecodeAggregate);

// The reference: a full parse into the generated classes (what a server using them pays
// before doing anything with the data).
void BM_IngestFullParse(benchmark::State& state) {
  const auto& bytes = ingest_request();
  for (auto _ : state) {
    coltrace::ExportTraceServiceRequest req;
    if (!req.ParseFromString(bytes)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(req);
  }
  report(state);
}
BENCHMARK(BM_IngestFullParse);

} // namespace
} // namespace tocsin::bench

#endif // TOCSIN_HAVE_OTLP
