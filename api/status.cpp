#include "api/status.hpp"

#include "actors/messages.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>

namespace tocsin::api {

grpc::StatusCode status_code_of(domain::errc code) {
  using domain::errc;
  switch (code) {
    case errc::ok: return grpc::StatusCode::OK;
    case errc::invalid_argument: return grpc::StatusCode::INVALID_ARGUMENT;
    case errc::not_found: return grpc::StatusCode::NOT_FOUND;
    case errc::already_exists: return grpc::StatusCode::ALREADY_EXISTS;
    case errc::invalid_transition:
    case errc::root_cause_required:
    case errc::incident_resolved: return grpc::StatusCode::FAILED_PRECONDITION;
    case errc::version_conflict: return grpc::StatusCode::ABORTED;
    case errc::storage_full:
    case errc::overloaded: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case errc::unavailable: return grpc::StatusCode::UNAVAILABLE;
    case errc::storage_error:
    case errc::corrupt_record: return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status to_status(const domain::error& err) {
  if (err.code == domain::errc::ok)
    return grpc::Status::OK;
  return {status_code_of(err.code), err.message};
}

grpc::Status to_status(const caf::error& err) {
  if (err == caf::sec::request_timeout)
    return {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded"};
  return to_status(actors::from_caf_error(err));
}

grpc::Status to_status(const auth_error& err) {
  return {err.type == auth_error::kind::unauthenticated ? grpc::StatusCode::UNAUTHENTICATED
                                                        : grpc::StatusCode::PERMISSION_DENIED,
          err.message};
}

grpc::Status not_accessible(const std::string& id) {
  return {grpc::StatusCode::PERMISSION_DENIED,
          "incident " + id + " is not accessible with this token"};
}

} // namespace tocsin::api
