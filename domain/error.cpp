// Names of the domain error codes, as they appear in logs, CLI output and API error details.
#include "domain/error.hpp"

namespace tocsin::domain {

std::string_view to_string(errc code) {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::invalid_transition: return "invalid_transition";
    case errc::root_cause_required: return "root_cause_required";
    case errc::incident_resolved: return "incident_resolved";
    case errc::version_conflict: return "version_conflict";
    case errc::storage_full: return "storage_full";
    case errc::storage_error: return "storage_error";
    case errc::corrupt_record: return "corrupt_record";
    case errc::overloaded: return "overloaded";
    case errc::unavailable: return "unavailable";
  }
  return "unknown"; // a value outside the enum (e.g. decoded from a newer peer)
}

} // namespace tocsin::domain
