// breach_tracker: see the header for the edges.
#include "domain/breach_tracker.hpp"

namespace tocsin::domain {
namespace {

breach_signal signal_of(breach_edge edge, const slo_status& s, timestamp now, timestamp since) {
  breach_signal sig;
  sig.edge = edge;
  sig.at = now;
  sig.since = since;
  if (s.severity) sig.severity = *s.severity;
  for (const auto& c : s.conditions)
    if (c.firing()) sig.conditions.push_back(c.name);
  sig.exemplars = s.exemplars;
  return sig;
}

} // namespace

std::string_view to_string(breach_edge e) {
  switch (e) {
  case breach_edge::breached: return "breached";
  case breach_edge::repeat: return "repeat";
  case breach_edge::recovered: return "recovered";
  }
  return "breached";
}

std::optional<breach_signal> breach_tracker::observe(const slo_status& s, timestamp now) {
  switch (s.health) {
  case slo_health::unknown:
    return std::nullopt;
  case slo_health::healthy: {
    if (!state_.breaching) return std::nullopt;
    auto sig = signal_of(breach_edge::recovered, s, now, state_.since);
    sig.severity = state_.notified_severity;
    state_ = breach_state{};
    return sig;
  }
  case slo_health::breaching:
    break;
  }
  const domain::severity sev = s.severity.value_or(domain::severity::high);
  if (!state_.breaching) {
    state_ = breach_state{true, now, now, sev};
    return signal_of(breach_edge::breached, s, now, now);
  }
  const bool worse = sev < state_.notified_severity; // critical < high < warning < info
  const bool due = renotify_ > 0 && now - state_.last_notified >= renotify_;
  if (!worse && !due) return std::nullopt;
  state_.last_notified = now;
  state_.notified_severity = worse ? sev : state_.notified_severity;
  return signal_of(breach_edge::repeat, s, now, state_.since);
}

} // namespace tocsin::domain
