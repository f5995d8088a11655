// Generated OTLP request classes -> domain telemetry, with the same results as the wire decoders
// in otlp_decode.hpp (the JSON path uses this; tests use it as the reference). Stateless; any
// thread. Includes the generated headers: only for code that already has the messages.
#pragma once

#include "domain/error.hpp"
#include "domain/telemetry.hpp"

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <vector>

namespace tocsin::api::otlp {

domain::result<std::vector<domain::span_batch>>
from_proto(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& req);
domain::result<std::vector<domain::metric_batch>>
from_proto(const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& req);
domain::result<std::vector<domain::log_batch>>
from_proto(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& req);

} // namespace tocsin::api::otlp
