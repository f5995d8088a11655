// How a stored dead letter (kv_db::dead_letters, JSON written by actors/notification_record.cpp)
// reads in the operator API: key and value to a DeadLetter message, tenant included so callers
// can be limited to their own. Pure; any thread.
#pragma once

#include "tocsin/v1/api.pb.h"

#include <string>
#include <string_view>

namespace tocsin::api {

/// Dead-letter kinds: the key prefixes before '/'.
inline constexpr std::string_view dead_letter_kinds[] = {"notification", "notify-event"};

/// Fills `out` from one entry; false when the value is not JSON (the entry is then skipped).
/// `with_record` adds the stored value itself (the full record, body included).
bool dead_letter_from(const std::string& key, const std::string& value, bool with_record,
                      v1::DeadLetter& out);

} // namespace tocsin::api
