// Canonical names of the incident enums and of the error codes.
#include "domain/error.hpp"
#include "domain/incident_types.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;

TEST_CASE("every enum value round-trips through its canonical name", "[types]") {
  for (int i = 0; i < 4; ++i) {
    auto v = static_cast<severity>(i);
    CHECK(parse_severity(to_string(v)) == v);
  }
  for (int i = 0; i < 5; ++i) {
    auto s = static_cast<incident_source>(i);
    CHECK(parse_source(to_string(s)) == s);
    auto c = static_cast<category>(i);
    CHECK(parse_category(to_string(c)) == c);
  }
  for (int i = 0; i < status_count; ++i) {
    auto v = static_cast<incident_status>(i);
    CHECK(parse_status(to_string(v)) == v);
  }
  for (int i = 0; i < 3; ++i) {
    auto v = static_cast<escalation_reason>(i);
    CHECK(parse_escalation_reason(to_string(v)) == v);
  }
}

TEST_CASE("canonical names are the lower-case words of DESIGN.md", "[types]") {
  CHECK(to_string(severity::critical) == "critical");
  CHECK(to_string(severity::info) == "info");
  CHECK(to_string(incident_source::slo) == "slo");
  CHECK(to_string(incident_source::alert) == "alert");
  CHECK(to_string(category::maintainability) == "maintainability");
  CHECK(to_string(incident_status::open) == "open");
  CHECK(to_string(incident_status::acknowledged) == "acknowledged");
  CHECK(to_string(incident_status::investigating) == "investigating");
  CHECK(to_string(incident_status::mitigated) == "mitigated");
  CHECK(to_string(incident_status::escalated) == "escalated");
  CHECK(to_string(incident_status::resolved) == "resolved");
  CHECK(to_string(escalation_reason::severity) == "severity");
  CHECK(to_string(escalation_reason::timer) == "timer");
  CHECK(to_string(escalation_reason::manual) == "manual");
}

TEST_CASE("parsers accept only exact canonical names", "[types]") {
  CHECK_FALSE(parse_severity("Critical"));
  CHECK_FALSE(parse_severity(" high"));
  CHECK_FALSE(parse_source(""));
  CHECK_FALSE(parse_category("perf"));
  CHECK_FALSE(parse_status("closed"));
  CHECK_FALSE(parse_escalation_reason("auto"));
}

TEST_CASE("error codes have snake_case names", "[types]") {
  CHECK(to_string(errc::ok) == "ok");
  CHECK(to_string(errc::invalid_transition) == "invalid_transition");
  CHECK(to_string(errc::root_cause_required) == "root_cause_required");
  CHECK(to_string(errc::incident_resolved) == "incident_resolved");
  CHECK(to_string(errc::storage_full) == "storage_full");
  CHECK(to_string(errc::unavailable) == "unavailable");
}
