// The DESIGN.md §9 status mapping, in one table.
#include "api/status.hpp"

#include "actors/messages.hpp"

#include <caf/sec.hpp>
#include <catch2/catch.hpp>

using tocsin::domain::errc;
using grpc::StatusCode;

TEST_CASE("domain errors map to the documented gRPC codes") {
  const std::pair<errc, StatusCode> table[] = {
    {errc::invalid_transition, StatusCode::FAILED_PRECONDITION},
    {errc::root_cause_required, StatusCode::FAILED_PRECONDITION},
    {errc::incident_resolved, StatusCode::FAILED_PRECONDITION},
    {errc::not_found, StatusCode::NOT_FOUND},
    {errc::invalid_argument, StatusCode::INVALID_ARGUMENT},
    {errc::version_conflict, StatusCode::ABORTED},
    {errc::overloaded, StatusCode::RESOURCE_EXHAUSTED},
    {errc::storage_full, StatusCode::RESOURCE_EXHAUSTED},
    {errc::unavailable, StatusCode::UNAVAILABLE},
    {errc::already_exists, StatusCode::ALREADY_EXISTS},
    {errc::storage_error, StatusCode::INTERNAL},
    {errc::corrupt_record, StatusCode::INTERNAL},
  };
  for (auto [code, expected] : table) {
    INFO(tocsin::domain::to_string(code));
    auto s = tocsin::api::to_status(tocsin::domain::error{code, "why"});
    CHECK(s.error_code() == expected);
    CHECK(s.error_message() == "why");
  }
  CHECK(tocsin::api::to_status(tocsin::domain::error{}).ok());
}

TEST_CASE("caf errors keep their domain code; a request timeout is the client's deadline") {
  auto wrapped = tocsin::actors::to_caf_error({errc::version_conflict, "stale"});
  auto s = tocsin::api::to_status(wrapped);
  CHECK(s.error_code() == StatusCode::ABORTED);
  CHECK(s.error_message() == "stale");
  CHECK(tocsin::api::to_status(caf::make_error(caf::sec::request_timeout)).error_code()
        == StatusCode::DEADLINE_EXCEEDED);
}

TEST_CASE("auth refusals: bad token unauthenticated, other tenant permission denied") {
  using tocsin::api::auth_error;
  CHECK(tocsin::api::to_status(auth_error{auth_error::kind::unauthenticated, "x"}).error_code()
        == StatusCode::UNAUTHENTICATED);
  CHECK(tocsin::api::to_status(auth_error{auth_error::kind::permission_denied, "x"}).error_code()
        == StatusCode::PERMISSION_DENIED);
  CHECK(tocsin::api::not_accessible("X").error_code() == StatusCode::PERMISSION_DENIED);
}
