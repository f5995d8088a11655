// Byte encoding of journal records and snapshots (protobuf, proto/tocsin/v1/events.proto) behind
// domain types only. Thread-safe: every function may be called from any thread concurrently.
#pragma once

#include "domain/envelope.hpp"
#include "domain/error.hpp"
#include "domain/incident.hpp"

#include <string>
#include <string_view>

namespace tocsin::persistence {

/// Replaces `out` with the encoding of `env` (its capacity is reused: pass the same buffer).
void encode_envelope(const domain::envelope& env, std::string& out);
/// Decodes into `out`; errc::corrupt_record (message says why, not where) on malformed bytes.
domain::error decode_envelope(std::string_view bytes, domain::envelope& out);

/// Replaces `out` with the encoding of the snapshot `s` (the whole state, version included).
void encode_snapshot(const domain::incident_state& s, std::string& out);
domain::error decode_snapshot(std::string_view bytes, domain::incident_state& out);

} // namespace tocsin::persistence
