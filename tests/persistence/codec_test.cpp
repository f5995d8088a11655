// Codec: every incident event kind and full snapshots survive encode/decode; bad bytes are
// reported as corrupt_record.
#include "persistence/codec.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
using namespace tocsin::persistence;
using namespace tocsin::persistence::test;

TEST_CASE("codec round-trips an envelope of every incident event kind", "[persistence][codec]") {
  const std::string id = make_id(3, 1);
  std::uint64_t seq = 0;
  std::string bytes;
  for (auto& ev : every_event_kind(id)) {
    const domain::envelope in = envelope_of(id, ++seq, ev);
    encode_envelope(in, bytes);
    domain::envelope out;
    REQUIRE(decode_envelope(bytes, out).code == domain::errc::ok);
    CHECK(out == in);
    CHECK(out.type == in.type);
  }
  CHECK(seq == 10);
}

TEST_CASE("codec keeps negative and extreme timestamps", "[persistence][codec]") {
  const std::string id = make_id(0, 2);
  auto in = envelope_of(id, 1, domain::note_added{"x", "y", -5});
  in.occurred_at = std::numeric_limits<domain::timestamp>::max();
  std::string bytes;
  encode_envelope(in, bytes);
  domain::envelope out;
  REQUIRE(decode_envelope(bytes, out).code == domain::errc::ok);
  CHECK(out == in);
}

TEST_CASE("codec round-trips a full incident snapshot", "[persistence][codec]") {
  const std::string id = make_id(5, 3);
  domain::incident_state s;
  for (auto& ev : every_event_kind(id))
    s = domain::apply(std::move(s), ev);
  s = domain::apply(std::move(s), domain::note_added{"post-mortem", "carol", t0 + 20});
  s.escalations.push_back({domain::escalation_reason::severity, {2, "cost.analyst", {"a", "b"}},
                           t0 + 30});
  REQUIRE(s.version == 11);
  REQUIRE(!s.notes.empty());

  std::string bytes;
  encode_snapshot(s, bytes);
  domain::incident_state out;
  REQUIRE(decode_snapshot(bytes, out).code == domain::errc::ok);
  CHECK(out == s);
  CHECK(out.entered_at == s.entered_at);
  CHECK(out.escalations == s.escalations);
}

TEST_CASE("codec reports garbage as corrupt_record", "[persistence][codec]") {
  domain::envelope env;
  CHECK(decode_envelope("\xff\xff\xff\xff garbage", env).code == domain::errc::corrupt_record);
  CHECK(decode_envelope("", env).code == domain::errc::corrupt_record); // no payload
  domain::incident_state s;
  CHECK(decode_snapshot("\x0a\xff\xff", s).code == domain::errc::corrupt_record);
  CHECK(decode_snapshot("", s).code == domain::errc::corrupt_record); // no id, no version
}
