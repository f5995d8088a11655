// Status mapping (OTLP/gRPC spec): malformed INVALID_ARGUMENT, unknown tenant FAILED_PRECONDITION
// (both not retryable, both dead-lettered), overload RESOURCE_EXHAUSTED with a RetryInfo in
// grpc-status-details-bin (OTLP exporters retry after its delay), bad token UNAUTHENTICATED,
// foreign tenant PERMISSION_DENIED. A message above max_body never reaches us: gRPC answers
// RESOURCE_EXHAUSTED itself.
#include "api/otlp_grpc.hpp"

#include "api/otlp_responses.hpp"

#include <grpcpp/support/slice.h>

namespace tocsin::api {

namespace {

grpc::StatusCode code_of(otlp_outcome o) {
  switch (o) {
    case otlp_outcome::accepted: return grpc::StatusCode::OK;
    case otlp_outcome::malformed: return grpc::StatusCode::INVALID_ARGUMENT;
    case otlp_outcome::unknown_tenant: return grpc::StatusCode::FAILED_PRECONDITION;
    case otlp_outcome::overloaded:
    case otlp_outcome::too_large: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case otlp_outcome::unauthenticated: return grpc::StatusCode::UNAUTHENTICATED;
    case otlp_outcome::forbidden: return grpc::StatusCode::PERMISSION_DENIED;
    case otlp_outcome::unsupported_media: return grpc::StatusCode::INVALID_ARGUMENT;
    case otlp_outcome::unavailable: return grpc::StatusCode::UNAVAILABLE;
  }
  return grpc::StatusCode::INTERNAL;
}

void answer(grpc::ServerUnaryReactor* reactor, otlp_signal signal, const otlp_result& res,
            grpc::ByteBuffer* response) {
  if (res.outcome == otlp_outcome::accepted) {
    auto body = otlp_export_response(signal, res.rejected, res.message, otlp_format::protobuf);
    grpc::Slice slice(body);
    *response = grpc::ByteBuffer(&slice, 1);
    reactor->Finish(grpc::Status::OK);
    return;
  }
  const auto code = code_of(res.outcome);
  if (res.outcome == otlp_outcome::overloaded) {
    auto details = rpc_status_body(static_cast<int>(code), res.message, res.retry_after_ms,
                                   otlp_format::protobuf);
    reactor->Finish(grpc::Status(code, res.message, details));
    return;
  }
  reactor->Finish(grpc::Status(code, res.message));
}

} // namespace

grpc::ServerUnaryReactor* otlp_export(otlp_grpc_env& env, otlp_signal signal,
                                      grpc::CallbackServerContext* ctx,
                                      const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  auto* reactor = ctx->DefaultReactor();
  const auto& md = ctx->client_metadata();
  std::optional<std::string_view> header;
  if (auto it = md.find("authorization"); it != md.end())
    header = std::string_view{it->second.data(), it->second.size()};
  auto who = env.auth->authenticate(header);
  if (!who.ok()) {
    env.counters->count(otlp_transport::grpc, signal, otlp_outcome::unauthenticated);
    reactor->Finish({grpc::StatusCode::UNAUTHENTICATED, who.error.message});
    return reactor;
  }
  // One slice is the usual case for small messages; larger ones arrive in several and are
  // joined once, since the decoder reads contiguous bytes.
  grpc::Slice slice;
  if (!request->TrySingleSlice(&slice).ok() && !request->DumpToSingleSlice(&slice).ok()) {
    reactor->Finish({grpc::StatusCode::INTERNAL, "cannot read the request bytes"});
    return reactor;
  }
  otlp_request req;
  req.transport = otlp_transport::grpc;
  req.signal = signal;
  req.format = otlp_format::protobuf;
  if (auto it = md.find("grpc-encoding"); it != md.end())
    req.content_encoding.assign(it->second.data(), it->second.size());
  req.body = std::string_view{reinterpret_cast<const char*>(slice.begin()), slice.size()};
  // `slice` keeps the bytes alive until handle() has encoded any dead letter (it copies them).
  env.ingest->handle(*who.value, req, [reactor, signal, response](otlp_result res) {
    answer(reactor, signal, res, response);
  });
  return reactor;
}

} // namespace tocsin::api
