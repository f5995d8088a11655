// Evaluation of one SLO at `now`: SLI and error budget over its rolling window, burn rates of
// every alert condition, and whether the verdict can be trusted (stale). Pure, thread-safe;
// called by the slo_actor as data arrives; the status is what the API shows.
//
// Stale semantics (workflows.txt "Failure Handling": stale rather than false negatives):
//  - data is behind when the series' closed windows end before now - allowed_staleness;
//  - a window is incomplete when the range holds a gap (e.g. the open window a crash lost) or
//    was already dropped by retention, or a series was never seen;
//  - burn rates are compared with the threshold with a relative tolerance of 1e-9 (so 1.44 %
//    errors at 99.9 % reaches 14.4x despite binary floating point);
//  - a condition FIRES when both burn rates, computed on whatever data there is (closed and
//    open windows), reach its threshold: a breach seen on partial data is still reported;
//  - a condition is OK only when one of its two windows is complete, fresh and below the
//    threshold (the AND can then never hold, whatever the missing data was);
//  - otherwise the condition is UNKNOWN.
// health: breaching if any condition fires; else unknown if any condition is unknown (status
// stale); else healthy. A stale result is never healthy; what an unknown means for an open
// breach (it is held, neither repeated nor recovered) is breach_tracker's business.
#pragma once

#include "domain/slo.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tocsin::domain {

enum class condition_state : std::uint8_t { ok, firing, unknown };
enum class slo_health : std::uint8_t { healthy, breaching, unknown };
std::string_view to_string(condition_state s);
std::string_view to_string(slo_health h);

struct condition_status {
  std::string name;
  domain::severity severity = domain::severity::high;
  double threshold = 0;
  double long_burn = 0;
  double short_burn = 0;
  bool long_complete = false;  // complete and fresh
  bool short_complete = false;
  condition_state state = condition_state::unknown;
  bool firing() const { return state == condition_state::firing; }
};

struct slo_status {
  timestamp at = 0;
  std::optional<double> sli;     // over the SLO window; nullopt without traffic
  double budget_remaining = 1;   // clamped to [0, 1] for display
  double budget_consumed = 0;    // unclamped: 1.5 = 150 % of the budget spent
  bool budget_complete = true;   // the SLO window had no gap (a gap does not make it stale)
  std::vector<condition_status> conditions;
  bool breaching = false;        // any condition firing
  bool stale = false;            // behind, or some condition unknown: the verdict is open
  bool partial = false;          // some condition window had a gap (verdict may still stand)
  slo_health health = slo_health::unknown;
  std::optional<domain::severity> severity;  // of the most severe firing condition
  std::vector<exemplar> exemplars;           // its short window's (the breach as it is now)
  timestamp data_until = 0;      // closed windows end here (min over the series)
};

/// Burn-rate decision of one condition from its two windows' counts (see the header comment).
condition_status evaluate_condition(const alert_condition& c, double target,
                                    const ratio_counts& long_counts,
                                    const ratio_counts& short_counts, bool fresh);

/// The status of `d` at `now`; windows are [now - length, now).
slo_status evaluate(const slo_definition& d, const series_query& q, timestamp now);

} // namespace tocsin::domain
