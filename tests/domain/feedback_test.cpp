// Feedback items: deterministic ids and keys, attribution and classification from each source.
#include "domain/feedback.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;

namespace {

incident_state resolved_incident() {
  incident_state s;
  s.id = "01J0000000000000000000000A";
  s.tenant = "acme";
  s.title = "SLO checkout-availability breaching";
  s.cat = category::performance;
  s.status = incident_status::resolved;
  s.root_cause = "bad deploy";
  s.version = 5;
  exemplar x;
  x.trace_id = "0af7651916cd43dd8448eb211c80319c";
  x.artifact_id = "art-1";
  x.agent_id = "agent-7";
  x.skill_id = "skill-3";
  s.exemplars.push_back(x);
  return s;
}

span_record feedback_span() {
  span_record sp;
  sp.trace_id = *trace_id_from_hex("0af7651916cd43dd8448eb211c80319c");
  sp.span_id = *span_id_from_hex("b7ad6b7169203331");
  sp.service_name = "checkout";
  sp.span_name = "generate";
  sp.artifact_id = "art-1";
  sp.agent_id = "agent-7";
  sp.skill_id = "skill-3";
  sp.feedback_category = "correctness";
  sp.feedback_sentiment = "positive";
  return sp;
}

} // namespace

TEST_CASE("feedback ids are deterministic per (tenant, source, source id)") {
  const auto a = feedback_id("acme", feedback_source::incident, "X");
  CHECK(a == feedback_id("acme", feedback_source::incident, "X"));
  CHECK(a.rfind("fb-", 0) == 0);
  CHECK(a.size() == 19);
  CHECK(a != feedback_id("acme", feedback_source::signal, "X"));
  CHECK(a != feedback_id("beta", feedback_source::incident, "X"));
  // The key separates fields, so ("a", "bc") and ("ab", "c") never collide by construction.
  CHECK(feedback_key("a", feedback_source::cost, "bc") !=
        feedback_key("ab", feedback_source::cost, "c"));
}

TEST_CASE("a resolved incident becomes one attributed negative item") {
  auto it = from_resolved_incident(resolved_incident(), 42);
  REQUIRE(it.ok());
  CHECK(it->source == feedback_source::incident);
  CHECK(it->source_id == "01J0000000000000000000000A");
  CHECK(it->id == feedback_id("acme", feedback_source::incident, it->source_id));
  CHECK(it->cat == category::performance);
  CHECK(it->sent == sentiment::negative);
  CHECK(it->summary.find("bad deploy") != std::string::npos);
  CHECK(it->artifact_id == "art-1"); // from the exemplar: the incident had no attribution
  CHECK(it->agent_id == "agent-7");
  CHECK(it->skill_id == "skill-3");
  CHECK(it->trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(it->created_at == 42);
  // The same incident redelivered gives the same identity.
  CHECK(from_resolved_incident(resolved_incident(), 99)->id == it->id);

  auto open = resolved_incident();
  open.status = incident_status::investigating;
  CHECK(from_resolved_incident(open, 1).err().code == errc::invalid_argument);
}

TEST_CASE("a feedback span keeps its category, sentiment and attribution") {
  auto it = from_span_signal("acme", feedback_span(), 7);
  REQUIRE(it.ok());
  CHECK(it->source == feedback_source::signal);
  CHECK(it->source_id == "0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331");
  CHECK(it->cat == category::correctness);
  CHECK(it->sent == sentiment::positive);
  CHECK(it->artifact_id == "art-1");
  CHECK(it->trace_id == "0af7651916cd43dd8448eb211c80319c");

  auto bad = feedback_span();
  bad.feedback_category = "vibes";
  auto refused = from_span_signal("acme", bad, 7);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.err().message.find("feedback.category: 'vibes'") == 0);

  auto numeric = feedback_span();
  numeric.feedback_sentiment = "-1";
  CHECK(from_span_signal("acme", numeric, 7)->sent == sentiment::negative);
  numeric.feedback_sentiment = "";
  CHECK(from_span_signal("acme", numeric, 7)->sent == sentiment::negative); // the default
}

TEST_CASE("a feedback log record is identified by its uid, else by trace, span and time") {
  log_record rec;
  rec.service_name = "agent";
  rec.body = std::string(2000, 'x');
  rec.feedback_category = "maintainability";
  rec.feedback_sentiment = "neutral";
  rec.record_uid = "rec-1";
  rec.time_unix_nano = 123;
  auto by_uid = from_log_signal("acme", rec, 1);
  REQUIRE(by_uid.ok());
  CHECK(by_uid->source_id == "rec-1");
  CHECK(by_uid->sent == sentiment::neutral);
  CHECK(by_uid->summary.size() <= 512);

  rec.record_uid.clear();
  rec.trace_id = *trace_id_from_hex("0af7651916cd43dd8448eb211c80319c");
  rec.span_id = *span_id_from_hex("b7ad6b7169203331");
  auto by_trace = from_log_signal("acme", rec, 1);
  REQUIRE(by_trace.ok());
  CHECK(by_trace->source_id == "0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331/123");

  rec.trace_id = {};
  CHECK(from_log_signal("acme", rec, 1).err().code == errc::invalid_argument);
}

TEST_CASE("error spans folded per artifact and window have one identity per window") {
  error_fold f{"art-9", "agent-1", "skill-2", "abc", 60 * nanos_per_second, 3, 10};
  auto it = from_error_fold("acme", f, 5);
  CHECK(it.source_id == "art-9@60000000000");
  CHECK(it.summary == "3 of 10 spans of artifact art-9 failed");
  CHECK(it.cat == category::reliability);
  f.errors = 4; // more errors folded into the same window: same item identity
  CHECK(from_error_fold("acme", f, 6).id == it.id);
  f.window_start += 60 * nanos_per_second;
  CHECK(from_error_fold("acme", f, 6).id != it.id);
  f.calls = 0; // unknown call count: the summary names the errors only
  CHECK(from_error_fold("acme", f, 6).summary == "4 spans of artifact art-9 failed");
  f.errors = 1;
  CHECK(from_error_fold("acme", f, 6).summary == "1 span of artifact art-9 failed");
}
