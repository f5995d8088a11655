#include "options.hpp"

#include "config/units.hpp"

#include <CLI/CLI.hpp>

namespace tocsin::loadgen {

std::optional<int> parse_cli(int argc, char** argv, options& out) {
  CLI::App app{"tocsin-loadgen: OTLP/gRPC trace load generator. Sends pre-serialized "
               "ExportTraceServiceRequest batches with fresh ids and timestamps, keeps "
               "--concurrency requests in flight, retries RESOURCE_EXHAUSTED/UNAVAILABLE with "
               "backoff and prints spans/s and request latency percentiles."};
  std::string duration = "10s";
  app.add_option("--endpoint", out.endpoint, "OTLP/gRPC host:port")->capture_default_str();
  app.add_option("--batch", out.batch, "Spans per request")
    ->capture_default_str()->check(CLI::Range(1u, 100'000u));
  app.add_option("--concurrency", out.concurrency, "Requests in flight")
    ->capture_default_str()->check(CLI::Range(1u, 4096u));
  app.add_option("--connections", out.connections, "HTTP/2 connections (channels)")
    ->capture_default_str()->check(CLI::Range(1u, 256u));
  app.add_option("--rate", out.rate, "Target spans/s; 0 = as fast as possible")
    ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--attributes", out.attributes, "Attributes per span")
    ->capture_default_str()->check(CLI::Range(0u, 1000u));
  app.add_option("--error-ratio", out.error_ratio, "Fraction of spans with status ERROR")
    ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_option("--duration", duration, "How long to send, e.g. 30s, 5m, 500ms")
    ->capture_default_str();
  app.add_option("--services", out.services, "service.name values (one per request template)")
    ->delimiter(',')->capture_default_str();
  app.add_option("--span-names", out.span_names, "Span names, cycled within a request")
    ->delimiter(',')->capture_default_str();
  app.add_option("--tenant", out.tenant, "Resource attribute tenant.id (none by default)");
  app.add_option("--token", out.token, "Bearer token (authorization metadata)");
  app.add_flag("--json", out.json, "Print the summary as JSON");
  app.add_flag("--quiet", out.quiet, "No progress line on stderr");
  try {
    app.parse(argc, argv);
    const auto d = config::parse_duration(duration);
    if (!d || d->count() <= 0)
      throw CLI::ValidationError("--duration", "expected a positive duration such as 30s, got '"
                                                 + duration + "'");
    out.duration = *d;
    if (out.services.empty() || out.span_names.empty())
      throw CLI::ValidationError("--services/--span-names", "need at least one value");
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2; // usage errors exit 2 across Tocsin's tools
  }
  return std::nullopt;
}

} // namespace tocsin::loadgen
