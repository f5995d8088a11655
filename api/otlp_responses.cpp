#include "api/otlp_responses.hpp"

#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <google/protobuf/util/json_util.h>

namespace tocsin::api {

namespace {

namespace col_trace = opentelemetry::proto::collector::trace::v1;
namespace col_metrics = opentelemetry::proto::collector::metrics::v1;
namespace col_logs = opentelemetry::proto::collector::logs::v1;

std::string serialize(const google::protobuf::Message& m, otlp_format format) {
  std::string out;
  if (format == otlp_format::json) {
    if (!google::protobuf::util::MessageToJsonString(m, &out).ok())
      out = "{}";
  } else {
    m.SerializeToString(&out);
  }
  return out;
}

} // namespace

std::string otlp_export_response(otlp_signal signal, std::uint64_t rejected,
                                 const std::string& error_message, otlp_format format) {
  const auto count = static_cast<std::int64_t>(rejected);
  switch (signal) {
    case otlp_signal::traces: {
      col_trace::ExportTraceServiceResponse r;
      if (rejected > 0) {
        r.mutable_partial_success()->set_rejected_spans(count);
        r.mutable_partial_success()->set_error_message(error_message);
      }
      return serialize(r, format);
    }
    case otlp_signal::metrics: {
      col_metrics::ExportMetricsServiceResponse r;
      if (rejected > 0) {
        r.mutable_partial_success()->set_rejected_data_points(count);
        r.mutable_partial_success()->set_error_message(error_message);
      }
      return serialize(r, format);
    }
    case otlp_signal::logs: {
      col_logs::ExportLogsServiceResponse r;
      if (rejected > 0) {
        r.mutable_partial_success()->set_rejected_log_records(count);
        r.mutable_partial_success()->set_error_message(error_message);
      }
      return serialize(r, format);
    }
  }
  return {};
}

std::string rpc_status_body(int code, const std::string& message, std::uint32_t retry_after_ms,
                            otlp_format format) {
  google::rpc::Status st;
  st.set_code(code);
  st.set_message(message);
  if (retry_after_ms > 0) {
    google::rpc::RetryInfo info;
    info.mutable_retry_delay()->set_seconds(retry_after_ms / 1000);
    info.mutable_retry_delay()->set_nanos(static_cast<std::int32_t>(retry_after_ms % 1000)
                                          * 1'000'000);
    st.add_details()->PackFrom(info);
  }
  return serialize(st, format);
}

} // namespace tocsin::api
