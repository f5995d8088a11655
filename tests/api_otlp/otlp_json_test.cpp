// OTLP/JSON decoding: a spec-style request (hex ids, camelCase, enums as integers, 64-bit integers
// as strings or numbers, unknown fields), and a round trip against the binary fast path.
#include "otlp_test_support.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/util/json_util.h>

#include <regex>

using namespace tocsin;
using namespace tocsin::otlp_test;

namespace {

// protobuf's JSON spells bytes in base64; OTLP/JSON spells ids in hex. Converts the ids.
std::string otlp_json_of(const google::protobuf::Message& m) {
  std::string json;
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &json).ok());
  std::regex id(R"re("(traceId|spanId|parentSpanId)":"([^"]*)")re");
  std::string out;
  auto it = std::sregex_iterator(json.begin(), json.end(), id);
  std::size_t copied = 0;
  for (; it != std::sregex_iterator(); ++it) {
    const auto& mt = *it;
    std::string raw;
    REQUIRE(google::protobuf::Base64Unescape(mt[2].str(), &raw));
    out += json.substr(copied, mt.position(0) - copied);
    out += "\"" + mt[1].str() + "\":\"" +
           domain::to_hex(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()) + "\"";
    copied = mt.position(0) + mt.length(0);
  }
  return out + json.substr(copied);
}

} // namespace

TEST_CASE("OTLP/JSON traces decode as the spec spells them", "[otlp][json]") {
  const char* json = R"({
    "resourceSpans": [{
      "resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "checkout"}},
        {"key": "tenant.id", "value": {"stringValue": "acme"}}]},
      "scopeSpans": [{
        "scope": {"name": "my.library", "version": "1.0.0"},
        "spans": [{
          "traceId": "5B8EFFF798038103D269B633813FC60C",
          "spanId": "EEE19B7EC3C1B174",
          "parentSpanId": "EEE19B7EC3C1B173",
          "name": "I'm a server span",
          "startTimeUnixNano": "1544712660000000000",
          "endTimeUnixNano": 1544712661000000000,
          "kind": 2,
          "status": {"code": 2, "message": "boom"},
          "futureField": {"nested": [1, 2, 3]},
          "attributes": [
            {"key": "artifact.id", "value": {"stringValue": "art-9"}},
            {"key": "agent.id", "value": {"intValue": "12"}},
            {"key": "skill.id", "value": {"boolValue": true}}]
        }]
      }]
    }]
  })";
  auto out = api::otlp::decode_traces_json(json);
  REQUIRE(out.ok());
  REQUIRE(out->size() == 1);
  CHECK(out->at(0).tenant_hint == "acme");
  const auto& s = out->at(0).spans.at(0);
  CHECK(domain::to_hex(s.trace_id) == "5b8efff798038103d269b633813fc60c");
  CHECK(domain::to_hex(s.span_id) == "eee19b7ec3c1b174");
  CHECK(s.service_name == "checkout");
  CHECK(s.span_name == "I'm a server span");
  CHECK(s.start_unix_nano == 1544712660000000000ull);
  CHECK(s.end_unix_nano == 1544712661000000000ull); // a JSON number, exact
  CHECK(s.kind == domain::span_kind::server);
  CHECK(s.status_code == domain::status_code::error);
  CHECK(s.artifact_id == "art-9");
  CHECK(s.agent_id == "12");
  CHECK(s.skill_id == "true");
}

TEST_CASE("OTLP/JSON refuses what it cannot read", "[otlp][json]") {
  auto bad_hex = api::otlp::decode_traces_json(
    R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-hex"}]}]}]})");
  REQUIRE_FALSE(bad_hex.ok());
  CHECK(bad_hex.err().code == domain::errc::invalid_argument);
  CHECK_THAT(bad_hex.err().message, Catch::Contains("traceId is not a hex string"));

  auto short_id = api::otlp::decode_traces_json(
    R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abcd"}]}]}]})");
  REQUIRE_FALSE(short_id.ok());
  CHECK_THAT(short_id.err().message, Catch::Contains("trace_id: must be 16 bytes"));

  auto broken = api::otlp::decode_traces_json(R"({"resourceSpans":[{)");
  REQUIRE_FALSE(broken.ok());
  CHECK_THAT(broken.err().message, Catch::Contains("malformed OTLP/JSON"));
}

TEST_CASE("OTLP/JSON round trip gives what the binary fast path gives", "[otlp][json]") {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    INFO("seed " << seed);
    request_maker mk(seed);
    auto traces = mk.traces();
    auto tj = api::otlp::decode_traces_json(otlp_json_of(traces));
    auto tb = api::otlp::decode_traces(traces.SerializeAsString());
    REQUIRE(tj.ok());
    REQUIRE(tb.ok());
    CHECK(*tj == *tb);

    auto metrics = mk.metrics();
    auto mj = api::otlp::decode_metrics_json(otlp_json_of(metrics));
    auto mb = api::otlp::decode_metrics(metrics.SerializeAsString());
    REQUIRE(mj.ok());
    REQUIRE(mb.ok());
    CHECK(*mj == *mb);

    auto logs = mk.logs();
    auto lj = api::otlp::decode_logs_json(otlp_json_of(logs));
    auto lb = api::otlp::decode_logs(logs.SerializeAsString());
    REQUIRE(lj.ok());
    REQUIRE(lb.ok());
    CHECK(*lj == *lb);
  }
}
