// validate(tenant_policy): every rule a policy must meet before it is used, checked in field
// order so that the first error reported is the first one a reader of the policy meets.
#include "domain/policy.hpp"

#include <algorithm>

namespace tocsin::domain {
namespace {

bool is_known_role(std::string_view role) {
  return std::find(std::begin(known_roles), std::end(known_roles), role) != std::end(known_roles);
}

std::string known_role_list() {
  std::string out;
  for (auto r : known_roles) out.append(out.empty() ? "" : ", ").append(r);
  return out;
}

error fail(const std::string& path, const std::string& what) {
  return make_error(errc::invalid_argument, path + ": " + what);
}

std::optional<error> check_role(const std::string& path, const std::string& role) {
  if (is_known_role(role)) return std::nullopt;
  return fail(path, "unknown role '" + role + "' (known: " + known_role_list() + ")");
}

std::optional<error> check_channel_ref(const tenant_policy& p, const std::string& path,
                                       const std::string& name) {
  if (p.channels.count(name) != 0) return std::nullopt;
  return fail(path, "unknown channel '" + name + "'");
}

std::optional<error> check_channel(const std::string& key, const channel& c) {
  const std::string path = "channels." + key;
  if (key.empty()) return fail("channels", "a channel name must not be empty");
  // Notifications carry the name they were routed by; a second spelling would split them.
  if (c.name != key) return fail(path + ".name", "must equal its key '" + key + "'");
  if (c.url.empty()) return fail(path + ".url", "required");
  for (std::string_view scheme : {"http://", "https://"})
    if (c.url.compare(0, scheme.size(), scheme) == 0) {
      if (c.url.size() == scheme.size()) return fail(path + ".url", "a host is required");
      if (c.format == payload_format::pagerduty && c.routing_key.empty())
        return fail(path + ".routing_key", "required for format pagerduty");
      return std::nullopt;
    }
  return fail(path + ".url", "must start with http:// or https://, got '" + c.url + "'");
}

std::optional<error> check_routing(const tenant_policy& p) {
  for (std::size_t i = 0; i < p.routes.size(); ++i)
    if (auto e = check_role("routes[" + std::to_string(i) + "].role", p.routes[i].role)) return e;
  if (auto e = check_role("default_role", p.default_role)) return e;
  for (const auto& [role, names] : p.role_channels) {
    const std::string path = "role_channels[" + role + "]";
    if (auto e = check_role(path, role)) return e;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (auto e = check_channel_ref(p, path + "[" + std::to_string(i) + "]", names[i])) return e;
  }
  for (const auto& [key, c] : p.channels)
    if (auto e = check_channel(key, c)) return e;
  return std::nullopt;
}

std::optional<error> check_steps(const tenant_policy& p) {
  if (p.steps.empty()) return fail("steps", "at least one step is required");
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const std::string path = "steps[" + std::to_string(i) + "]";
    if (p.steps[i].delay < 0) return fail(path + ".delay", "must not be negative");
    if (!p.steps[i].role.empty())
      if (auto e = check_role(path + ".role", p.steps[i].role)) return e;
  }
  if (p.repeat_interval < 0) return fail("repeat_interval", "must not be negative");
  if (p.max_repeats > 0 && p.repeat_interval == 0)
    return fail("repeat_interval", "must be positive when max_repeats > 0");
  return std::nullopt;
}

std::optional<error> check_governance(const tenant_policy& p) {
  const auto& g = p.governance;
  if (!(g.cost_anomaly_above >= 0)) // also refuses NaN
    return fail("governance.cost_anomaly_above", "must not be negative");
  if (g.slo_breach_period < 0)
    return fail("governance.slo_breach_period", "must not be negative");
  if (g.slo_breaches > 0 && g.slo_breach_period == 0)
    return fail("governance.slo_breach_period", "required when slo_breaches is set");
  if (g.slo_breaches == 0 && g.slo_breach_period > 0)
    return fail("governance.slo_breaches", "required when slo_breach_period is set");
  const bool rule_on = g.cost_anomaly_above > 0 || g.slo_breaches > 0;
  if (rule_on && g.channel.empty())
    return fail("governance.channel", "required when a governance rule is on");
  if (!g.channel.empty()) return check_channel_ref(p, "governance.channel", g.channel);
  return std::nullopt;
}

} // namespace

error validate(const tenant_policy& p) {
  if (p.tenant.empty()) return fail("tenant", "required");
  for (const auto& [sev, d] : p.sla)
    if (d <= 0) return fail("sla." + std::string(to_string(sev)), "must be positive");
  if (auto e = check_routing(p)) return *e;
  if (auto e = check_steps(p)) return *e;
  if (auto e = check_governance(p)) return *e;
  return error{};
}

} // namespace tocsin::domain
