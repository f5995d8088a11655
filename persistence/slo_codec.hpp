// Byte encoding of SLO definitions and of their breach-tracker state as stored in the
// definitions DB (protobuf, proto/tocsin/v1/definitions.proto) behind domain types; also the
// wire form the operator API reuses. Pure; thread-safe.
#pragma once

#include "domain/breach_tracker.hpp"
#include "domain/slo.hpp"

#include <string>
#include <string_view>

namespace tocsin::v1 {
class SloDefinition;
class StoredSlo;
} // namespace tocsin::v1

namespace tocsin::persistence {

struct stored_slo {
  domain::slo_definition definition;
  std::string source;             // "config" or "api"
  domain::timestamp applied_at = 0;
  std::string yaml;               // the OpenSLO text it came from; empty for structured applies
};

/// What an slo_actor persists so that a restart neither re-opens nor forgets a breach.
struct stored_slo_state {
  domain::breach_state breach;
  std::string incident_id;        // the incident the breach opened (or repeated on)
};

/// Keys in kv_db::definitions; tenant and id must not contain '/'.
std::string slo_key(const std::string& tenant, const std::string& id);
std::string slo_state_key(const std::string& tenant, const std::string& id);
/// The definition a config file gave at the last start (to notice file changes).
std::string config_slo_key(const std::string& tenant, const std::string& id);
inline constexpr std::string_view slo_prefix = "slo/";
inline constexpr std::string_view slo_state_prefix = "slo-state/";

/// domain <-> wire. slo_from_pb is false on an enum value outside the domain's range; it does
/// not validate (domain::validate does).
void slo_to_pb(const domain::slo_definition& d, v1::SloDefinition& m);
bool slo_from_pb(const v1::SloDefinition& m, domain::slo_definition& d);
void stored_slo_to_pb(const stored_slo& s, v1::StoredSlo& m);
bool stored_slo_from_pb(const v1::StoredSlo& m, stored_slo& s);

std::string encode_slo(const stored_slo& s);
domain::error decode_slo(std::string_view bytes, stored_slo& out);
std::string encode_slo_state(const stored_slo_state& s);
domain::error decode_slo_state(std::string_view bytes, stored_slo_state& out);

} // namespace tocsin::persistence
