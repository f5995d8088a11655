// notifications_for: which channels hear about a journaled incident event. Called by the
// notifier for every incident event it reads; ids are stable so a replay re-sends the same ids.
#include "domain/policy.hpp"

#include <algorithm>
#include <variant>

namespace tocsin::domain {
namespace {

void add_unique(std::vector<std::string>& out, const std::vector<std::string>& more) {
  for (const auto& c : more)
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
}

// Everyone paged so far must hear that it is handled, or they keep working a closed page.
std::vector<std::string> paged_so_far(const incident_state& s) {
  std::vector<std::string> out;
  for (const auto& r : s.escalations) add_unique(out, r.step.channels);
  return out;
}

} // namespace

std::vector<notification> notifications_for(const tenant_policy& p, const envelope& env,
                                            const incident_state& s) {
  std::vector<std::string> channels;
  std::string kind;
  if (auto* step = std::get_if<escalation_step_taken>(&env.payload)) {
    add_unique(channels, step->step.channels);
    kind = "trigger";
  } else if (std::holds_alternative<incident_acknowledged>(env.payload)
             || std::holds_alternative<on_call_engaged>(env.payload)) {
    channels = paged_so_far(s);
    kind = "acknowledge";
  } else if (std::holds_alternative<incident_resolved>(env.payload)) {
    channels = paged_so_far(s);
    kind = "resolve";
  }
  const std::string& incident_id = env.aggregate_id.empty() ? s.id : env.aggregate_id;
  std::vector<notification> out;
  for (const auto& c : channels) {
    if (p.channels.count(c) == 0) continue; // removed from the policy since it was paged
    out.push_back(notification{stable_id(env.event_id, c), c, env.event_id, incident_id, kind});
  }
  return out;
}

} // namespace tocsin::domain
