// Bodies the OTLP receivers answer with: Export*ServiceResponse (with partial_success when items
// were rejected) and google.rpc.Status (errors; RetryInfo when throttled), in protobuf or in
// OTLP/JSON. Pure; any thread. The generated classes are used here only: answers are small.
#pragma once

#include "api/otlp_counters.hpp"

#include <cstdint>
#include <string>

namespace tocsin::api {

/// An empty string for a protobuf response without rejections (an empty message).
std::string otlp_export_response(otlp_signal signal, std::uint64_t rejected,
                                 const std::string& error_message, otlp_format format);

/// google.rpc.Status{code, message, details: [RetryInfo] when retry_after_ms > 0}. `code` is a
/// gRPC status code number. Protobuf bytes also serve as grpc-status-details-bin.
std::string rpc_status_body(int code, const std::string& message, std::uint32_t retry_after_ms,
                            otlp_format format);

} // namespace tocsin::api
