// Bytes of the "feedback" topic records (tocsin.v1.FeedbackRecord, proto/tocsin/v1/feedback.proto)
// and of persisted quality states (tocsin.v1.QualityState). Pure functions, any thread: the
// feedback actor encodes, relays / Subscribe / FeedbackService decode.
#pragma once

#include "domain/error.hpp"
#include "domain/feedback.hpp"
#include "domain/quality.hpp"

#include <string>
#include <string_view>

namespace tocsin::v1 {
class FeedbackItem;
} // namespace tocsin::v1

namespace tocsin::persistence {

/// A FeedbackRecord: the item plus event_id "feedback/<id>" and created_at.
std::string encode_feedback(const domain::feedback_item& it);
/// corrupt_record when the bytes are not a FeedbackRecord or hold an unknown enum value.
domain::result<domain::feedback_item> decode_feedback(std::string_view bytes);

/// domain <-> wire form (also FeedbackService's). from_pb is false on an UNSPECIFIED or unknown
/// enum value.
void feedback_to_pb(const domain::feedback_item& it, v1::FeedbackItem& m);
bool feedback_from_pb(const v1::FeedbackItem& m, domain::feedback_item& it);

std::string encode_quality(const domain::quality_state& s);
domain::result<domain::quality_state> decode_quality(std::string_view bytes);

} // namespace tocsin::persistence
