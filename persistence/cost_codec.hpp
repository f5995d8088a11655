// What the cost detector and the SLO-breach governance consumer keep in kv_db::definitions
// (beside the slo-state/ records): each cost series' detector + roll-up state, the anomalies not
// yet fully acted on (an outbox: written with the state that detected them, erased once the
// incident, feedback item and hand-off are durable), and the SLO-breach counters. Protobuf
// (proto/tocsin/v1/governance.proto) behind domain types. Pure; thread-safe.
//
// Keys: "cost-state/<tenant>\0<series id>", "cost-pending/<tenant>\0<anomaly id>",
// "gov-breaches/<tenant>\0<slo id>".
#pragma once

#include "domain/cost_anomaly.hpp"
#include "domain/cost_rollup.hpp"
#include "domain/cost_signal.hpp"
#include "domain/error.hpp"
#include "domain/governance.hpp"

#include <string>
#include <string_view>

namespace tocsin::persistence {

struct stored_cost_series {
  domain::cost_series series;
  domain::cost_detector_state detector;
  domain::cost_rollup_state rollup;
};

struct pending_cost_anomaly {
  domain::cost_anomaly_detected anomaly;
  std::string incident_id; // set once the cost incident is open (or folded into)
};

struct stored_breach_count {
  std::string tenant;
  std::string slo_id;
  domain::breach_count_state state;
};

inline constexpr std::string_view cost_state_prefix = "cost-state/";
inline constexpr std::string_view cost_pending_prefix = "cost-pending/";
inline constexpr std::string_view breach_count_prefix = "gov-breaches/";

std::string cost_state_key(const domain::cost_series& s);
std::string cost_pending_key(const std::string& tenant, const std::string& anomaly_id);
std::string breach_count_key(const std::string& tenant, const std::string& slo_id);

std::string encode_cost_series(const stored_cost_series& s);
domain::result<stored_cost_series> decode_cost_series(std::string_view bytes);
std::string encode_pending_cost(const pending_cost_anomaly& p);
domain::result<pending_cost_anomaly> decode_pending_cost(std::string_view bytes);
std::string encode_breach_count(const stored_breach_count& c);
domain::result<stored_breach_count> decode_breach_count(std::string_view bytes);

} // namespace tocsin::persistence
