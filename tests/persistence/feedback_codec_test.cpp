// Feedback records and quality states round-trip through their bytes; bad bytes are
// corrupt_record; index entries make items findable by id, tenant and attribution, in pages.
#include "persistence/feedback_codec.hpp"
#include "persistence/feedback_index.hpp"
#include "support/temp_dir.hpp"
#include "tocsin/v1/feedback.pb.h"

#include <catch2/catch.hpp>

using namespace tocsin;
using namespace tocsin::persistence;

namespace {

domain::feedback_item sample(const std::string& tenant, const std::string& source_id,
                             domain::timestamp at) {
  domain::feedback_item it;
  it.tenant = tenant;
  it.source = domain::feedback_source::cost;
  it.source_id = source_id;
  it.id = domain::feedback_id(tenant, it.source, source_id);
  it.cat = domain::category::cost;
  it.sent = domain::sentiment::neutral;
  it.summary = "cost of " + source_id;
  it.artifact_id = "art-1";
  it.agent_id = "agent-1";
  it.skill_id = "skill-1";
  it.trace_id = "abc";
  it.created_at = at;
  return it;
}

} // namespace

TEST_CASE("feedback records round-trip and carry their event id", "[feedback_codec]") {
  const auto it = sample("acme", "x1", 1'700'000'000'123'456'789);
  const auto bytes = encode_feedback(it);
  auto back = decode_feedback(bytes);
  REQUIRE(back.ok());
  CHECK(*back == it);
  v1::FeedbackRecord rec;
  REQUIRE(rec.ParseFromString(bytes));
  CHECK(rec.event_id() == "feedback/" + it.id);
  CHECK(rec.created_at() == static_cast<std::uint64_t>(it.created_at));
  CHECK(rec.item().category() == v1::CATEGORY_COST);
}

TEST_CASE("bad feedback bytes are corrupt records", "[feedback_codec]") {
  CHECK(decode_feedback("\xff\xff\xff").err().code == domain::errc::corrupt_record);
  CHECK(decode_feedback("").err().code == domain::errc::corrupt_record); // no item
  v1::FeedbackRecord rec;
  feedback_to_pb(sample("acme", "x", 1), *rec.mutable_item());
  rec.mutable_item()->set_sentiment(v1::SENTIMENT_UNSPECIFIED);
  CHECK(decode_feedback(rec.SerializeAsString()).err().code == domain::errc::corrupt_record);
}

TEST_CASE("quality states round-trip and their keys parse back", "[feedback_codec]") {
  domain::quality_state s{1.25, 0.5, 42, 1, 2, 3};
  auto back = decode_quality(encode_quality(s));
  REQUIRE(back.ok());
  CHECK(*back == s);
  const auto key = quality_key("acme", domain::subject_kind::skill, "plan/trip");
  CHECK(key.rfind(quality_prefix("acme"), 0) == 0);
  auto subject = parse_quality_key(key);
  REQUIRE(subject);
  CHECK(subject->tenant == "acme");
  CHECK(subject->kind == domain::subject_kind::skill);
  CHECK(subject->id == "plan/trip");
  CHECK_FALSE(parse_quality_key("Facme"));
}

TEST_CASE("indexed items are found by id and listed newest first in pages", "[feedback_codec]") {
  test::temp_dir dir{"tocsin-fbidx"};
  store_options opts;
  opts.dir = dir.path();
  opts.partitions = 4;
  opts.map_size = std::size_t{64} << 20;
  auto st = store::open(opts);
  REQUIRE(st.ok());
  topic_log topic{**st, "feedback"};
  for (int i = 0; i < 5; ++i) {
    auto it = sample(i == 4 ? "globex" : "acme", "s" + std::to_string(i), 1000 + i);
    if (i == 2)
      it.artifact_id = "art-2";
    const auto key = domain::feedback_key(it.tenant, it.source, it.source_id);
    auto r = topic.append_sync(key, topic.partition_of(key), encode_feedback(it),
                               feedback_index_ops(it));
    REQUIRE(r.ok());
    REQUIRE(r.created);
  }
  auto got = get_feedback(**st, topic, domain::feedback_id("acme", domain::feedback_source::cost, "s2"));
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->artifact_id == "art-2");
  auto none = get_feedback(**st, topic, "fb-0000000000000000");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  feedback_filter f;
  f.tenant = "acme";
  f.page_size = 3;
  auto p1 = list_feedback(**st, topic, f);
  REQUIRE(p1.ok());
  REQUIRE(p1->items.size() == 3);
  CHECK(p1->items[0].source_id == "s3");
  CHECK(p1->items[2].source_id == "s1");
  REQUIRE_FALSE(p1->next_page_token.empty());
  f.page_token = p1->next_page_token;
  auto p2 = list_feedback(**st, topic, f);
  REQUIRE(p2.ok());
  REQUIRE(p2->items.size() == 1);
  CHECK(p2->items[0].source_id == "s0");
  CHECK(p2->next_page_token.empty());

  feedback_filter by_artifact;
  by_artifact.tenant = "acme";
  by_artifact.artifact_id = "art-1";
  auto a = list_feedback(**st, topic, by_artifact);
  REQUIRE(a.ok());
  CHECK(a->items.size() == 3); // s0, s1, s3
  by_artifact.tenant = "globex";
  a = list_feedback(**st, topic, by_artifact);
  REQUIRE(a.ok());
  REQUIRE(a->items.size() == 1);
  CHECK(a->items[0].source_id == "s4");

  feedback_filter empty;
  CHECK(list_feedback(**st, topic, empty).err().code == domain::errc::invalid_argument);
  f.page_token = "zz";
  CHECK(list_feedback(**st, topic, f).err().code == domain::errc::invalid_argument);
  (*st)->close();
}
