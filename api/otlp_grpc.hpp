// OTLP/gRPC: opentelemetry.proto.collector.{trace,metrics,logs}.v1 Export, registered with raw
// (ByteBuffer) callback handlers so the fast decoder reads the wire bytes and no generated
// request class is ever built. Owned by api::otlp_receivers, which runs them on a gRPC server of
// their own; handlers run on gRPC's threads and finish either inline or from the store's writer
// thread (dead letters).
#pragma once

#include "api/auth.hpp"
#include "api/otlp_ingest.hpp"

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

#include <grpcpp/support/byte_buffer.h>

namespace tocsin::api {

namespace otlp_grpc_detail {
namespace col_trace = opentelemetry::proto::collector::trace::v1;
namespace col_metrics = opentelemetry::proto::collector::metrics::v1;
namespace col_logs = opentelemetry::proto::collector::logs::v1;
} // namespace otlp_grpc_detail

/// Everything an Export handler needs. Outlives the gRPC server.
struct otlp_grpc_env {
  const authenticator* auth = nullptr;
  otlp_ingest* ingest = nullptr;
  otlp_counters* counters = nullptr;
};

/// Serves one Export call of `signal`: authenticate, ingest, answer.
grpc::ServerUnaryReactor* otlp_export(otlp_grpc_env& env, otlp_signal signal,
                                      grpc::CallbackServerContext* ctx,
                                      const grpc::ByteBuffer* request, grpc::ByteBuffer* response);

class otlp_trace_service final
    : public otlp_grpc_detail::col_trace::TraceService::WithRawCallbackMethod_Export<
        otlp_grpc_detail::col_trace::TraceService::Service> {
public:
  explicit otlp_trace_service(otlp_grpc_env& env) : env_(env) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override {
    return otlp_export(env_, otlp_signal::traces, ctx, req, resp);
  }

private:
  otlp_grpc_env& env_;
};

class otlp_metrics_service final
    : public otlp_grpc_detail::col_metrics::MetricsService::WithRawCallbackMethod_Export<
        otlp_grpc_detail::col_metrics::MetricsService::Service> {
public:
  explicit otlp_metrics_service(otlp_grpc_env& env) : env_(env) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override {
    return otlp_export(env_, otlp_signal::metrics, ctx, req, resp);
  }

private:
  otlp_grpc_env& env_;
};

class otlp_logs_service final
    : public otlp_grpc_detail::col_logs::LogsService::WithRawCallbackMethod_Export<
        otlp_grpc_detail::col_logs::LogsService::Service> {
public:
  explicit otlp_logs_service(otlp_grpc_env& env) : env_(env) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) override {
    return otlp_export(env_, otlp_signal::logs, ctx, req, resp);
  }

private:
  otlp_grpc_env& env_;
};

} // namespace tocsin::api
