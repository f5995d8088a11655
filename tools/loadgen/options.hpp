// tocsin-loadgen's settings, as parsed from its command line (cli.cpp). Plain values; read by the
// request builder and the driver from the driver's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::loadgen {

struct options {
  std::string endpoint = "127.0.0.1:4317";
  std::uint32_t batch = 512;       // spans per ExportTraceServiceRequest
  std::uint32_t concurrency = 8;   // requests in flight (or waiting out a backoff)
  std::uint32_t connections = 1;   // HTTP/2 connections the in-flight requests spread over
  double rate = 0;                 // target spans/s; 0: as fast as the server answers
  std::uint32_t attributes = 10;   // per span
  double error_ratio = 0;          // fraction of spans with status ERROR
  std::chrono::milliseconds duration{10'000};
  std::vector<std::string> services{"checkout"};
  std::vector<std::string> span_names{"POST /checkout", "GET /cart", "GET /api/v1/orders/{id}",
                                      "POST /api/v1/payments"};
  std::string tenant;              // resource attribute tenant.id; none if empty
  std::string token;               // bearer token; none if empty
  bool json = false;               // summary as JSON on stdout
  bool quiet = false;              // no progress line
};

/// Parses argv into `out`. Returns an exit code when the program must stop (0 after --help, 2
/// on a usage error: CLI11 has printed the message), nullopt to run.
std::optional<int> parse_cli(int argc, char** argv, options& out);

} // namespace tocsin::loadgen
