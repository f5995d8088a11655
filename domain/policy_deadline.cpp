// When an incident next escalates under its tenant's policy, and the step it takes then. The
// incident actor arms its timer from next_deadline and issues due_escalation when it fires.
#include "domain/policy.hpp"

namespace tocsin::domain {
namespace {

timestamp entered(const incident_state& s, incident_status st) {
  return s.entered_at[static_cast<std::size_t>(st)];
}

// Steps recorded since the incident last entered Escalated. Earlier escalations (before an
// Engage sent it back to Investigating) belong to another round and do not advance this one.
std::size_t steps_this_round(const incident_state& s) {
  const timestamp since = entered(s, incident_status::escalated);
  std::size_t n = 0;
  for (auto it = s.escalations.rbegin(); it != s.escalations.rend() && it->at >= since; ++it) ++n;
  return n;
}

escalation_step make_step(const tenant_policy& p, const incident_state& s, const step_def& def) {
  escalation_step step;
  step.number = static_cast<std::uint32_t>(s.escalations.size() + 1);
  step.role = def.role.empty() ? route_role(p, s) : def.role;
  if (auto it = p.role_channels.find(step.role); it != p.role_channels.end())
    step.channels = it->second;
  return step;
}

// The definition of the step after `taken` steps this round: the next one, or (while repeats
// remain) the last one again. An unvalidated policy without steps still gets a routed step.
step_def def_after(const tenant_policy& p, std::size_t taken) {
  if (p.steps.empty()) return step_def{};
  return taken < p.steps.size() ? p.steps[taken] : p.steps.back();
}

} // namespace

std::optional<timestamp> next_deadline(const tenant_policy& p, const incident_state& s) {
  if (!s.exists()) return std::nullopt;
  switch (s.status) {
    case incident_status::open:
    case incident_status::investigating: {
      auto it = p.sla.find(s.sev);
      if (it == p.sla.end()) return std::nullopt;
      return entered(s, s.status) + it->second;
    }
    case incident_status::escalated: {
      if (p.steps.empty()) return std::nullopt;
      const std::size_t taken = steps_this_round(s);
      if (taken == 0) return entered(s, incident_status::escalated) + p.steps.front().delay;
      const timestamp last = s.escalations.back().at;
      if (taken < p.steps.size()) return last + p.steps[taken].delay;
      if (taken - p.steps.size() < p.max_repeats && p.repeat_interval > 0)
        return last + p.repeat_interval;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<escalate> due_escalation(const tenant_policy& p, const incident_state& s,
                                       timestamp now) {
  auto deadline = next_deadline(p, s);
  if (!deadline || *deadline > now) return std::nullopt;
  // Open/Investigating escalate and take step 1 of the new round; Escalated takes its next step.
  const std::size_t taken = s.status == incident_status::escalated ? steps_this_round(s) : 0;
  return escalate{escalation_reason::timer, make_step(p, s, def_after(p, taken)), "policy"};
}

escalation_step first_step(const tenant_policy& p, const incident_state& s) {
  return make_step(p, s, def_after(p, 0));
}

} // namespace tocsin::domain
