// SLO evaluation: per-condition decisions, then the SLO's health.
#include "domain/burn_rate.hpp"

#include <algorithm>

namespace tocsin::domain {
namespace {

// 1.44 % errors against 99.9 % is 14.4x on paper but 14.39999... in binary floating point; a
// relative tolerance keeps hand-written thresholds meaning what they say.
bool reaches(double burn, double threshold) { return burn >= threshold * (1 - 1e-9); }

} // namespace

std::string_view to_string(condition_state s) {
  switch (s) {
  case condition_state::ok: return "ok";
  case condition_state::firing: return "firing";
  case condition_state::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_string(slo_health h) {
  switch (h) {
  case slo_health::healthy: return "healthy";
  case slo_health::breaching: return "breaching";
  case slo_health::unknown: return "unknown";
  }
  return "unknown";
}

condition_status evaluate_condition(const alert_condition& c, double target,
                                    const ratio_counts& long_counts,
                                    const ratio_counts& short_counts, bool fresh) {
  condition_status s;
  s.name = c.name;
  s.severity = c.severity;
  s.threshold = c.threshold;
  s.long_burn = burn_rate(long_counts.bad, long_counts.total, target);
  s.short_burn = burn_rate(short_counts.bad, short_counts.total, target);
  s.long_complete = fresh && long_counts.complete && long_counts.known;
  s.short_complete = fresh && short_counts.complete && short_counts.known;
  const bool long_hot = reaches(s.long_burn, c.threshold);
  const bool short_hot = reaches(s.short_burn, c.threshold);
  if (long_hot && short_hot)
    s.state = condition_state::firing;
  else if ((s.long_complete && !long_hot) || (s.short_complete && !short_hot))
    s.state = condition_state::ok;
  else
    s.state = condition_state::unknown;
  return s;
}

slo_status evaluate(const slo_definition& d, const series_query& q, timestamp now) {
  slo_status st;
  st.at = now;
  const ratio_counts budget = count_ratio(d.ratio, q, now - d.window, now);
  st.sli = sli(budget);
  st.budget_consumed = burn_rate(budget.bad, budget.total, d.target);
  st.budget_remaining = std::clamp(1 - st.budget_consumed, 0.0, 1.0);
  st.budget_complete = budget.complete && budget.known;
  st.data_until = budget.closed_until;

  // Every window of every condition ends at now, so freshness is one question for all.
  const bool fresh = budget.known && budget.closed_until >= now - d.allowed_staleness;
  bool any_unknown = false;
  const condition_status* worst = nullptr;
  std::vector<ratio_counts> shorts;
  for (const auto& c : effective_conditions(d)) {
    const ratio_counts lc = count_ratio(d.ratio, q, now - c.long_window, now);
    shorts.push_back(count_ratio(d.ratio, q, now - c.short_window, now));
    st.conditions.push_back(evaluate_condition(c, d.target, lc, shorts.back(), fresh));
    any_unknown = any_unknown || st.conditions.back().state == condition_state::unknown;
    st.partial = st.partial || !(lc.complete && lc.known && shorts.back().complete
                                 && shorts.back().known);
  }
  for (std::size_t i = 0; i < st.conditions.size(); ++i) {
    const auto& cs = st.conditions[i];
    // severity enum: critical < high < warning < info, so "more severe" is "less than".
    if (cs.firing() && (!worst || cs.severity < worst->severity)) {
      worst = &cs;
      st.exemplars = shorts[i].exemplars;
    }
  }
  st.breaching = worst != nullptr;
  if (worst) st.severity = worst->severity;
  st.stale = !fresh || any_unknown;
  st.health = st.breaching ? slo_health::breaching
              : st.stale   ? slo_health::unknown
                           : slo_health::healthy;
  return st;
}

} // namespace tocsin::domain
