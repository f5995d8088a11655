// Helpers for the interop end-to-end tests (OTLP, cost): finding Node.js and the OpenTelemetry JS
// SDK scripts of tests/interop, polling a daemon at the pace its exports arrive, and reading
// tocsind's Prometheus /metrics. Test-only; call from the test's thread.
#pragma once

#include "cli_runner.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tocsin::e2e {

/// The interop scripts and their node_modules (installed by tools/setup with `npm ci`).
inline const std::string interop_dir = TOCSIN_SOURCE_DIR "/tests/interop";

/// The absolute path of `node` on $PATH; nullopt when Node.js is not installed.
std::optional<std::string> find_node();

/// `node` for a test driving the SDK scripts; nullopt (with a WARN) when Node.js is absent and
/// the test is to be skipped. When it is present, REQUIREs `sdk_package` (a directory under
/// node_modules, e.g. "@opentelemetry/sdk-trace-base") to be installed: tools/setup does that.
std::optional<std::string> interop_node(const std::string& sdk_package);

/// Polls `probe` every 250 ms for up to `limit`: SDK exports are batched, and a whole daemon on a
/// loaded machine takes its time.
bool eventually(const std::function<bool()>& probe,
                std::chrono::seconds limit = std::chrono::seconds{90});

/// Runs a blocking HTTP/1.0 GET against 127.0.0.1:port and returns the body; empty when the
/// server cannot be reached or does not answer 200.
std::string http_get(int port, const std::string& path);

/// Sum of the samples of Prometheus family `name` (exact name, any labels) whose label set
/// contains `label` (e.g. `transport="grpc"`; empty: all); 0 when there is none.
double prom_sum(const std::string& text, const std::string& name, const std::string& label = {});

/// The trace ids of the {"error_span": {...}} lines a send-spans.js run printed.
std::set<std::string> error_trace_ids(const std::string& stdout_text);

} // namespace tocsin::e2e
