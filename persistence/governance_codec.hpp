// Byte encoding of governance hand-offs (domain/governance.hpp) as records of the "governance"
// topic: serialized tocsin.v1.GovernanceHandoff (proto/tocsin/v1/governance.proto). Written by
// the cost detector and the SLO-breach governance consumer, read by relays and Subscribe.
// Pure; thread-safe.
#pragma once

#include "domain/error.hpp"
#include "domain/governance.hpp"

#include <string>
#include <string_view>

namespace tocsin::persistence {

/// The topic the hand-offs go to, and its idempotency key for one hand-off (its id).
inline constexpr std::string_view governance_topic = "governance";

std::string encode_governance(const domain::governance_handoff& h);
/// corrupt_record when the bytes are not a GovernanceHandoff with an id.
domain::result<domain::governance_handoff> decode_governance(std::string_view bytes);

} // namespace tocsin::persistence
