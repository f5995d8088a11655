// OTLP export requests (traces, metrics, logs) -> domain telemetry, from protobuf wire bytes (the
// fast path: OTLP/gRPC and OTLP/HTTP protobuf bodies) or from OTLP/JSON. Stateless functions: any
// thread may call them concurrently. No protobuf header here, so receivers stay light to compile.
#pragma once

#include "domain/error.hpp"
#include "domain/telemetry.hpp"

#include <string_view>
#include <vector>

namespace tocsin::api::otlp {

// Protobuf wire bytes of ExportTraceServiceRequest / ExportMetricsServiceRequest /
// ExportLogsServiceRequest. One batch per Resource{Spans,Metrics,Logs}, in request order.
//
// Only the fields the engine uses are read; every other field is skipped by its length, so the
// framing of the whole request is checked but the content of skipped fields is not. Malformed
// framing, or an id of the wrong length (trace 16 bytes, span 8, or empty), is invalid_argument
// with the reason and the byte offset or field path. Duplicate fields follow protobuf semantics
// (last scalar wins, sub-messages merge); for a repeated attribute key the last one wins.
domain::result<std::vector<domain::span_batch>> decode_traces(std::string_view bytes);
domain::result<std::vector<domain::metric_batch>> decode_metrics(std::string_view bytes);
domain::result<std::vector<domain::log_batch>> decode_logs(std::string_view bytes);

// OTLP/JSON (camelCase or original field names, ids as hex, enums as integers or names, 64-bit
// integers as strings or numbers, unknown fields ignored). Same results as the binary decoders;
// slower (parses into the generated classes first).
domain::result<std::vector<domain::span_batch>> decode_traces_json(std::string_view json);
domain::result<std::vector<domain::metric_batch>> decode_metrics_json(std::string_view json);
domain::result<std::vector<domain::log_batch>> decode_logs_json(std::string_view json);

} // namespace tocsin::api::otlp
