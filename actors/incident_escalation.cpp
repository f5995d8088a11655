// Policy helpers of the incident actor: see incident_escalation.hpp.
#include "actors/incident_escalation.hpp"

#include <limits>

namespace tocsin::actors {

namespace {

// The state an open command will produce, so routing can look at category and source.
domain::incident_state opened_state(const domain::open_incident& o) {
  domain::incident_opened ev;
  ev.id = o.id;
  ev.tenant = o.tenant;
  ev.title = o.title;
  ev.sev = o.sev;
  ev.source = o.source;
  ev.source_id = o.source_id;
  ev.cat = o.cat;
  ev.attr = o.attr;
  return domain::apply(domain::incident_state{}, domain::incident_event{std::move(ev)});
}

} // namespace

domain::incident_command with_policy_steps(const domain::tenant_policy& p,
                                           const domain::incident_state& s,
                                           domain::incident_command cmd) {
  if (auto* open = std::get_if<domain::open_incident>(&cmd)) {
    if (open->sev == domain::severity::critical && !open->severity_step && !s.exists())
      open->severity_step = domain::first_step(p, opened_state(*open));
  } else if (auto* esc = std::get_if<domain::escalate>(&cmd); esc && !esc->step && s.exists()) {
    if (s.status == domain::incident_status::escalated) {
      // A manual escalation while Escalated takes the next policy step now.
      constexpr auto whenever = std::numeric_limits<domain::timestamp>::max();
      if (auto due = domain::due_escalation(p, s, whenever))
        esc->step = due->step;
    }
    if (!esc->step)
      esc->step = domain::first_step(p, s);
  }
  return cmd;
}

deadline_outcome on_deadline(const domain::tenant_policy& p, const domain::incident_state& s,
                             std::uint64_t version, domain::timestamp at, domain::timestamp now) {
  deadline_outcome out;
  if (!domain::is_active(s))
    return out;
  if (s.version != version && domain::next_deadline(p, s) != std::optional<domain::timestamp>{at})
    return out;
  if (auto due = domain::due_escalation(p, s, now)) {
    out.kind = deadline_outcome::escalate;
    out.command = std::move(due);
    return out;
  }
  // A changed policy applies from the next deadline: re-arm there instead of escalating now.
  if (auto next = domain::next_deadline(p, s)) {
    out.kind = deadline_outcome::rearm;
    out.at = *next;
  }
  return out;
}

} // namespace tocsin::actors
