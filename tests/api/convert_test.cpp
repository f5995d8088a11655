// proto <-> domain conversion of the operator API.
#include "api/convert.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
namespace pb = ::tocsin::v1;

TEST_CASE("an open request converts with defaults and the authorised tenant") {
  pb::OpenIncidentRequest req;
  req.set_tenant("ignored");
  req.set_title("checkout slow");
  req.set_severity(pb::SEVERITY_HIGH);
  req.mutable_attribution()->set_trace_id("t1");
  auto cmd = api::from_proto(req, "acme");
  REQUIRE(cmd.ok());
  CHECK(cmd->tenant == "acme");
  CHECK(cmd->sev == domain::severity::high);
  CHECK(cmd->source == domain::incident_source::manual);
  CHECK(cmd->cat == domain::category::reliability);
  CHECK(cmd->attr.trace_id == "t1");
}

TEST_CASE("an open request without title or severity is an invalid argument") {
  pb::OpenIncidentRequest req;
  req.set_severity(pb::SEVERITY_HIGH);
  auto no_title = api::from_proto(req, "acme");
  REQUIRE_FALSE(no_title.ok());
  CHECK(no_title.err().code == domain::errc::invalid_argument);
  req.set_title("t");
  req.clear_severity();
  auto no_sev = api::from_proto(req, "acme");
  REQUIRE_FALSE(no_sev.ok());
  CHECK_THAT(no_sev.err().message, Catch::Contains("severity"));
  req.set_severity(static_cast<pb::Severity>(42));
  CHECK_FALSE(api::from_proto(req, "acme").ok());
}

TEST_CASE("list filters convert; unspecified enums mean any") {
  pb::ListIncidentsRequest req;
  req.set_status(pb::INCIDENT_STATUS_RESOLVED);
  req.set_trace_id("t");
  req.set_opened_after_unix_nano(5);
  auto f = api::from_proto(req, "acme");
  REQUIRE(f.ok());
  CHECK(f->tenant == "acme");
  CHECK(f->status == domain::incident_status::resolved);
  CHECK_FALSE(f->sev.has_value());
  CHECK(f->page_size == 100);
  CHECK(f->opened_after == 5);
  req.set_page_size(5000);
  CHECK_FALSE(api::from_proto(req, "acme").ok());
}

TEST_CASE("incident state and events convert to the API shape") {
  domain::incident_state s;
  s.id = "01JDQ3Z6V8X9K0M2N4P6R8T0W2";
  s.tenant = "acme";
  s.title = "t";
  s.sev = domain::severity::critical;
  s.status = domain::incident_status::investigating;
  s.entered_at[0] = 10;
  s.entered_at[2] = 30;
  s.notes.push_back({"n", "bob", 40});
  s.version = 4;
  pb::Incident out;
  api::to_proto(s, out);
  CHECK(out.severity() == pb::SEVERITY_CRITICAL);
  CHECK(out.status() == pb::INCIDENT_STATUS_INVESTIGATING);
  CHECK(out.entered_at_size() == 2);
  CHECK(out.opened_at_unix_nano() == 10);
  CHECK(out.notes(0).by() == "bob");
  CHECK(out.version() == 4);
  CHECK(out.allowed_moves_size() > 0);

  domain::envelope env;
  env.event_id = s.id + "/5";
  env.type = "IncidentResolved";
  env.sequence = 5;
  env.occurred_at = 50;
  env.payload = domain::incident_resolved{"disk full", "alice", 50};
  pb::TimelineEntry t;
  api::to_proto(env, t);
  CHECK(t.by() == "alice");
  CHECK(t.details() == "root cause: disk full");
  CHECK(t.event().has_incident_resolved());
  CHECK(t.event().incident_resolved().root_cause() == "disk full");
}
