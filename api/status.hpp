// The one place where Tocsin errors become gRPC statuses (DESIGN.md §9 mapping). Called by the
// api/ services from any thread; pure.
#pragma once

#include "api/auth.hpp"
#include "domain/error.hpp"

#include <caf/fwd.hpp>
#include <grpcpp/support/status.h>

namespace tocsin::api {

grpc::StatusCode status_code_of(domain::errc code);
grpc::Status to_status(const domain::error& err);
/// CAF request failures: a timed-out request is the client's deadline; the rest go through
/// actors::from_caf_error.
grpc::Status to_status(const caf::error& err);
grpc::Status to_status(const auth_error& err);

/// Refusal for an incident the caller may not see. Identical whether the incident exists in
/// another tenant or not at all, so the answer never reveals another tenant's data.
grpc::Status not_accessible(const std::string& id);

} // namespace tocsin::api
