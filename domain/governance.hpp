// Governance hand-offs (workflows.txt "Governance"): a cost anomaly above the tenant's amount,
// or an SLO that breached N times within a period, becomes one record of the "governance" topic
// for the tenant's governance channel and Subscribe("governance") readers. Pure; the rules are
// applied by the cost detector (cost anomalies) and the SLO-breach governance consumer
// (actors/slo_governance.hpp), each owning its counters.
//
// Rules (thresholds from tenant_policy.governance):
//  - cost: amount = value - baseline of the anomalous detector window (the spend nobody
//    expected, in the cost metric's unit); handed off when cost_anomaly_above > 0 and
//    amount > cost_anomaly_above;
//  - SLO breaches: every IncidentOpened / SignalRepeated of an SLO incident is one breach. When
//    the breaches of one SLO within the trailing period (at - slo_breach_period, at] reach
//    slo_breaches, and no hand-off for that SLO happened in the period before `at`, one hand-off
//    is made and the counted breaches are consumed (the next one needs N new breaches). Off
//    when slo_breaches or slo_breach_period is 0.
#pragma once

#include "domain/cost_anomaly.hpp"
#include "domain/policy.hpp"
#include "domain/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::domain {

inline constexpr std::string_view handoff_cost_anomaly = "cost_anomaly";
inline constexpr std::string_view handoff_slo_breaches = "slo_breaches";

struct governance_handoff {
  std::string id;          // handoff_id(tenant, kind, subject, window_start)
  std::string tenant;
  std::string kind;        // handoff_cost_anomaly | handoff_slo_breaches
  std::string subject;     // the cost series id, or the SLO id
  std::string summary;
  double amount = 0;       // cost: value - baseline; SLO: breaches counted
  double threshold = 0;    // cost: cost_anomaly_above; SLO: slo_breaches
  std::string incident_id; // the cost incident, or the SLO's incident at the last breach
  std::string channel;     // the policy's governance channel at decision time
  timestamp window_start = 0; // cost: the anomalous window; SLO: the first breach counted
  timestamp at = 0;           // cost: detection; SLO: the breach that completed the count
  friend bool operator==(const governance_handoff& a, const governance_handoff& b);
  friend bool operator!=(const governance_handoff& a, const governance_handoff& b) {
    return !(a == b);
  }
};

/// "gov-" + 16 hex digits of FNV-1a 64 over tenant \0 kind \0 subject \0 window_start: the
/// same decision always has the same id (the topic's idempotency key and the relays').
std::string handoff_id(std::string_view tenant, std::string_view kind, std::string_view subject,
                       timestamp window_start);

/// The amount a cost anomaly is judged by: value - baseline (never negative).
double cost_anomaly_amount(const cost_anomaly& a);
/// Whether the cost rule hands this anomaly off.
bool cost_handoff_due(const governance_thresholds& g, const cost_anomaly& a);
/// The hand-off of a cost anomaly of series `series_id` (cost_handoff_due decided it).
governance_handoff make_cost_handoff(const std::string& tenant, const std::string& series_id,
                                     const cost_anomaly& a, double threshold,
                                     const std::string& channel, const std::string& incident_id,
                                     timestamp at);

/// What the SLO-breach counter keeps per (tenant, SLO) between breaches (persisted).
struct breach_count_state {
  std::vector<timestamp> breaches; // within the trailing period, oldest first, at most N
  timestamp last_handoff = 0;      // 0: never
  friend bool operator==(const breach_count_state& a, const breach_count_state& b) {
    return a.breaches == b.breaches && a.last_handoff == b.last_handoff;
  }
};

struct breach_window {
  timestamp first = 0; // the oldest breach counted
  timestamp last = 0;  // the breach that completed the count
  std::uint32_t breaches = 0;
};

/// One breach at `at` under thresholds `g` (see the rule above); the window when it completes
/// a hand-off. Breaches older than the newest seen are still counted (journal partitions are
/// only nearly in time order).
std::optional<breach_window> count_breach(breach_count_state& s, const governance_thresholds& g,
                                          timestamp at);

/// The hand-off of SLO `slo_id` for a completed window.
governance_handoff make_slo_handoff(const std::string& tenant, const std::string& slo_id,
                                    const breach_window& w, const governance_thresholds& g,
                                    const std::string& incident_id);

} // namespace tocsin::domain
