// Feedback record encoding: see feedback_codec.hpp.
#include "persistence/feedback_codec.hpp"

#include "persistence/proto_convert.hpp"
#include "tocsin/v1/feedback.pb.h"

namespace tocsin::persistence {

namespace {

namespace pb = ::tocsin::v1;
using proto::from_proto_enum;
using proto::to_proto_enum;

domain::error corrupt(const char* what) {
  return domain::make_error(domain::errc::corrupt_record, what);
}

} // namespace

void feedback_to_pb(const domain::feedback_item& it, pb::FeedbackItem& m) {
  m.set_id(it.id);
  m.set_tenant(it.tenant);
  m.set_source(static_cast<pb::FeedbackSource>(to_proto_enum(it.source)));
  m.set_source_id(it.source_id);
  m.set_category(static_cast<pb::Category>(to_proto_enum(it.cat)));
  m.set_sentiment(static_cast<pb::Sentiment>(to_proto_enum(it.sent)));
  m.set_summary(it.summary);
  m.set_artifact_id(it.artifact_id);
  m.set_agent_id(it.agent_id);
  m.set_skill_id(it.skill_id);
  m.set_trace_id(it.trace_id);
  m.set_created_at_unix_nano(static_cast<std::uint64_t>(it.created_at));
}

bool feedback_from_pb(const pb::FeedbackItem& m, domain::feedback_item& it) {
  if (!from_proto_enum(m.source(), 3, it.source) || !from_proto_enum(m.category(), 5, it.cat) ||
      !from_proto_enum(m.sentiment(), 3, it.sent))
    return false;
  it.id = m.id();
  it.tenant = m.tenant();
  it.source_id = m.source_id();
  it.summary = m.summary();
  it.artifact_id = m.artifact_id();
  it.agent_id = m.agent_id();
  it.skill_id = m.skill_id();
  it.trace_id = m.trace_id();
  it.created_at = static_cast<domain::timestamp>(m.created_at_unix_nano());
  return true;
}

std::string encode_feedback(const domain::feedback_item& it) {
  pb::FeedbackRecord rec;
  feedback_to_pb(it, *rec.mutable_item());
  rec.set_event_id("feedback/" + it.id);
  rec.set_created_at(static_cast<std::uint64_t>(it.created_at));
  return rec.SerializeAsString();
}

domain::result<domain::feedback_item> decode_feedback(std::string_view bytes) {
  pb::FeedbackRecord rec;
  if (!rec.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !rec.has_item())
    return corrupt("feedback record: not a FeedbackRecord");
  domain::feedback_item it;
  if (!feedback_from_pb(rec.item(), it))
    return corrupt("feedback record: unknown source, category or sentiment");
  if (it.id.empty() || it.tenant.empty())
    return corrupt("feedback record: no id or tenant");
  return it;
}

std::string encode_quality(const domain::quality_state& s) {
  pb::QualityState m;
  m.set_weight(s.weight);
  m.set_value(s.value);
  m.set_at_unix_nano(static_cast<std::uint64_t>(s.at));
  m.set_negative(s.negative);
  m.set_neutral(s.neutral);
  m.set_positive(s.positive);
  return m.SerializeAsString();
}

domain::result<domain::quality_state> decode_quality(std::string_view bytes) {
  pb::QualityState m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return corrupt("quality state: not a QualityState");
  domain::quality_state s;
  s.weight = m.weight();
  s.value = m.value();
  s.at = static_cast<domain::timestamp>(m.at_unix_nano());
  s.negative = m.negative();
  s.neutral = m.neutral();
  s.positive = m.positive();
  return s;
}

} // namespace tocsin::persistence
