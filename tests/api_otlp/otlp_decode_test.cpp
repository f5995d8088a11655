// The fast OTLP trace decoder against the generated parser: same spans field by field, unknown
// fields and any field order accepted, ids of the wrong length refused with a clear reason.
#include "otlp_test_support.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/unknown_field_set.h>

using namespace tocsin;
using namespace tocsin::otlp_test;

namespace {

std::string bytes_of(std::initializer_list<int> b) {
  std::string s;
  for (int v : b)
    s += static_cast<char>(v);
  return s;
}

// A length-delimited field `field` holding `payload`, encoded by hand.
std::string ld_field(int field, const std::string& payload) {
  std::string out;
  out += static_cast<char>(field << 3 | 2);
  std::size_t n = payload.size();
  do {
    out += static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n);
  return out + payload;
}

} // namespace

TEST_CASE("fast trace decoding equals the generated parser on random requests", "[otlp]") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    request_maker mk(seed);
    auto req = mk.traces();
    auto wire = req.SerializeAsString();
    auto fast = api::otlp::decode_traces(wire);
    auto ref = reference_decode<coltrace::ExportTraceServiceRequest>(wire);
    INFO("seed " << seed);
    REQUIRE(ref.ok() == fast.ok());
    if (!ref.ok()) { // a random id was left empty-or-wrong? Both must say so.
      CHECK(fast.err().code == domain::errc::invalid_argument);
      continue;
    }
    REQUIRE(fast->size() == ref->size());
    for (std::size_t b = 0; b < ref->size(); ++b) {
      const auto& fb = (*fast)[b];
      const auto& rb = (*ref)[b];
      CHECK(fb.tenant_hint == rb.tenant_hint);
      REQUIRE(fb.spans.size() == rb.spans.size());
      for (std::size_t i = 0; i < rb.spans.size(); ++i) {
        const auto& f = fb.spans[i];
        const auto& r = rb.spans[i];
        INFO("batch " << b << " span " << i);
        CHECK(f.trace_id == r.trace_id);
        CHECK(f.span_id == r.span_id);
        CHECK(f.service_name == r.service_name);
        CHECK(f.span_name == r.span_name);
        CHECK(f.kind == r.kind);
        CHECK(f.start_unix_nano == r.start_unix_nano);
        CHECK(f.end_unix_nano == r.end_unix_nano);
        CHECK(f.status_code == r.status_code);
        CHECK(f.artifact_id == r.artifact_id);
        CHECK(f.agent_id == r.agent_id);
        CHECK(f.skill_id == r.skill_id);
        CHECK(f.feedback_category == r.feedback_category);
        CHECK(f.feedback_sentiment == r.feedback_sentiment);
        CHECK(f == r);
      }
    }
  }
}

TEST_CASE("fast trace decoding reads the engine's fields", "[otlp]") {
  coltrace::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  set_str(rs->mutable_resource()->add_attributes(), "service.name", "checkout");
  set_str(rs->mutable_resource()->add_attributes(), "tenant.id", "acme");
  auto* s = rs->add_scope_spans()->add_spans();
  auto tid = domain::trace_id_from_hex("4bf92f3577b34da6a3ce929d0e0e4736").value();
  auto sid = domain::span_id_from_hex("00f067aa0ba902b7").value();
  s->set_trace_id(std::string(tid.begin(), tid.end()));
  s->set_span_id(std::string(sid.begin(), sid.end()));
  s->set_name("POST /checkout");
  s->set_kind(trace::Span::SPAN_KIND_SERVER);
  s->set_start_time_unix_nano(1'700'000'000'000'000'000ull);
  s->set_end_time_unix_nano(1'700'000'000'250'000'000ull);
  s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
  set_str(s->add_attributes(), "http.method", "POST");
  set_str(s->add_attributes(), "artifact.id", "old");
  set_str(s->add_attributes(), "artifact.id", "art-7"); // repeated key: the last one wins
  s->add_attributes()->set_key("agent.id");
  s->mutable_attributes()->rbegin()->mutable_value()->set_int_value(42);
  set_str(s->add_attributes(), "skill.id", "refund");
  set_str(s->add_attributes(), "feedback.category", "wrong-answer");
  set_str(s->add_attributes(), "feedback.sentiment", "negative");

  auto out = api::otlp::decode_traces(req.SerializeAsString());
  REQUIRE(out.ok());
  REQUIRE(out->size() == 1);
  const auto& batch = out->front();
  CHECK(batch.tenant_hint == "acme");
  REQUIRE(batch.spans.size() == 1);
  const auto& r = batch.spans.front();
  CHECK(domain::to_hex(r.trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(domain::to_hex(r.span_id) == "00f067aa0ba902b7");
  CHECK(r.service_name == "checkout");
  CHECK(r.span_name == "POST /checkout");
  CHECK(r.kind == domain::span_kind::server);
  CHECK(r.duration_nano() == 250'000'000u);
  CHECK(r.is_error());
  CHECK(r.artifact_id == "art-7");
  CHECK(r.agent_id == "42"); // non-string values are rendered as text
  CHECK(r.skill_id == "refund");
  CHECK(r.feedback_category == "wrong-answer");
  CHECK(r.feedback_sentiment == "negative");
}

TEST_CASE("fast trace decoding skips unknown fields, groups included", "[otlp]") {
  request_maker mk(7);
  auto req = mk.traces(2, 4);
  auto expected = api::otlp::from_proto(req);
  REQUIRE(expected.ok());
  // Unknown fields at every level a newer sender might add them.
  auto add_unknown = [](google::protobuf::Message& m) {
    auto* u = m.GetReflection()->MutableUnknownFields(&m);
    u->AddVarint(1999, 123456789);
    u->AddFixed64(2000, 42);
    u->AddLengthDelimited(2001, "future");
    u->AddFixed32(2002, 7);
    u->AddGroup(2003)->AddVarint(1, 1);
  };
  add_unknown(req);
  for (auto& rs : *req.mutable_resource_spans()) {
    add_unknown(rs);
    add_unknown(*rs.mutable_resource());
    for (auto& ss : *rs.mutable_scope_spans()) {
      add_unknown(ss);
      for (auto& sp : *ss.mutable_spans()) {
        add_unknown(sp);
        add_unknown(*sp.mutable_status());
      }
    }
  }
  auto out = api::otlp::decode_traces(req.SerializeAsString());
  REQUIRE(out.ok());
  auto ref = api::otlp::from_proto(req);
  REQUIRE(ref.ok());
  CHECK(*out == *ref);
}

TEST_CASE("fast trace decoding accepts fields in any order", "[otlp]") {
  // ResourceSpans with scope_spans first and the resource last: the service name still applies.
  trace::ScopeSpans ss;
  auto* s = ss.add_spans();
  s->set_name("late-resource");
  opentelemetry::proto::resource::v1::Resource res;
  set_str(res.add_attributes(), "service.name", "billing");
  std::string rs = ld_field(2, ss.SerializeAsString()) + ld_field(1, res.SerializeAsString());
  std::string wire = ld_field(1, rs);

  auto out = api::otlp::decode_traces(wire);
  REQUIRE(out.ok());
  auto ref = reference_decode<coltrace::ExportTraceServiceRequest>(wire);
  REQUIRE(ref.ok());
  CHECK(*out == *ref);
  REQUIRE(out->at(0).spans.size() == 1);
  CHECK(out->at(0).spans[0].service_name == "billing");
}

TEST_CASE("fast trace decoding refuses ids of the wrong length", "[otlp]") {
  coltrace::ExportTraceServiceRequest req;
  auto* s = req.add_resource_spans()->add_scope_spans()->add_spans();
  s->set_trace_id("short");
  auto out = api::otlp::decode_traces(req.SerializeAsString());
  REQUIRE_FALSE(out.ok());
  CHECK(out.err().code == domain::errc::invalid_argument);
  CHECK(out.err().message ==
        "malformed OTLP ExportTraceServiceRequest: resource_spans[0].scope_spans[0].spans[0]."
        "trace_id: must be 16 bytes (or empty), got 5");

  s->set_trace_id(""); // empty: the all-zero (absent) id
  s->set_span_id(std::string(9, 'x'));
  out = api::otlp::decode_traces(req.SerializeAsString());
  REQUIRE_FALSE(out.ok());
  CHECK(out.err().message.find("span_id: must be 8 bytes") != std::string::npos);

  s->set_span_id("");
  out = api::otlp::decode_traces(req.SerializeAsString());
  REQUIRE(out.ok());
  CHECK(domain::is_zero(out->at(0).spans.at(0).trace_id));
}

TEST_CASE("fast trace decoding names malformed framing", "[otlp]") {
  auto check = [](const std::string& wire, const std::string& reason) {
    auto out = api::otlp::decode_traces(wire);
    REQUIRE_FALSE(out.ok());
    CHECK(out.err().code == domain::errc::invalid_argument);
    CHECK_THAT(out.err().message, Catch::Contains(reason));
  };
  // resource_spans claiming 5 bytes with 2 present.
  check(bytes_of({0x0a, 0x05, 0x12, 0x00}), "length runs past the enclosing message");
  // A span whose length runs past its ScopeSpans although the buffer holds the bytes.
  check(ld_field(1, ld_field(2, bytes_of({0x12, 0x04, 0x2a, 0x00}))) + bytes_of({0, 0}),
        "length runs past the enclosing message");
  check(bytes_of({0x00}), "malformed or zero tag");
  check(bytes_of({0x0f, 0x01}), "malformed field"); // wire type 7
  check(bytes_of({0x0c}), "malformed field");       // a stray end-group
  check(bytes_of({0x08, 0xff, 0xff}), "malformed field"); // truncated varint of an unknown field
  CHECK(api::otlp::decode_traces("").ok());               // an empty request is valid
  CHECK(api::otlp::decode_traces("")->empty());
}

TEST_CASE("trace and span ids have a lower-case hex spelling", "[otlp]") {
  auto id = domain::trace_id_from_hex("4BF92F3577B34DA6A3CE929D0E0E4736");
  REQUIRE(id);
  CHECK(domain::to_hex(*id) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK_FALSE(domain::trace_id_from_hex("4bf92f"));
  CHECK_FALSE(domain::span_id_from_hex("00f067aa0ba902bz"));
  CHECK(domain::is_zero(domain::span_id{}));
}
