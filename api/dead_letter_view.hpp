// How a stored dead letter (kv_db::dead_letters: JSON written by actors/notification_record.cpp,
// or an OTLP envelope and payload written by api/otlp_dead_letter.cpp) reads in the operator
// API: key and value to a DeadLetter message, tenant included so callers can be limited to
// their own. Pure; any thread.
#pragma once

#include "tocsin/v1/api.pb.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::api {

/// GetDeadLetter shows at most this much of an OTLP payload (tocsinctl's default gRPC receive
/// limit is 4 MiB; `size` tells the whole).
inline constexpr std::size_t max_dead_letter_body = std::size_t{64} << 10;

/// Dead-letter kinds: the key prefixes before '/'.
/// "relay": a topic record a relay could never send (actors/topic_relay.hpp).
inline constexpr std::string_view dead_letter_kinds[] = {"notification", "notify-event", "otlp",
                                                         "relay"};

/// Fills `out` from one entry; false when the value is not JSON (the entry is then skipped).
/// `with_record` adds the stored value itself (the full record, body included; for otlp the
/// envelope, and the payload's first max_dead_letter_body bytes in `body`).
bool dead_letter_from(const std::string& key, const std::string& value, bool with_record,
                      v1::DeadLetter& out);

} // namespace tocsin::api
