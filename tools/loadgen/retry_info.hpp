// Reads the server's retry hint from a failed call: google.rpc.RetryInfo inside the
// google.rpc.Status carried in grpc-status-details-bin (what OTLP servers send with
// RESOURCE_EXHAUSTED / UNAVAILABLE). Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tocsin::loadgen {

/// `details` is grpc::Status::error_details(). nullopt when absent, malformed or without a
/// RetryInfo; the caller then falls back to its own backoff.
std::optional<std::chrono::milliseconds> retry_delay(std::string_view details);

} // namespace tocsin::loadgen
