// Helpers for the OTLP interop end-to-end test: finding Node.js, running the OpenTelemetry JS
// SDK scripts of tests/interop, and reading tocsind's Prometheus /metrics. Test-only; call from
// the test's thread.
#pragma once

#include "cli_runner.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tocsin::e2e {

/// The interop scripts and their node_modules (installed by tools/setup with `npm ci`).
inline const std::string interop_dir = TOCSIN_SOURCE_DIR "/tests/interop";

/// The absolute path of `node` on $PATH; nullopt when Node.js is not installed.
std::optional<std::string> find_node();

/// Runs a blocking HTTP/1.0 GET against 127.0.0.1:port and returns the body; empty when the
/// server cannot be reached or does not answer 200.
std::string http_get(int port, const std::string& path);

/// Sum of the samples of Prometheus family `name` (exact name, any labels) whose label set
/// contains `label` (e.g. `transport="grpc"`; empty: all); 0 when there is none.
double prom_sum(const std::string& text, const std::string& name, const std::string& label = {});

/// The trace ids of the {"error_span": {...}} lines a send-spans.js run printed.
std::set<std::string> error_trace_ids(const std::string& stdout_text);

} // namespace tocsin::e2e
