// A tenant's escalation policy (DESIGN.md §6) and the pure functions that apply it: the SLA
// deadline of an incident, the escalation step to take when it passes, and the notifications an
// incident event causes. Pure; owned at run time by the tenant's policy_actor, called by incident
// actors (deadlines, steps) and the notifier (notifications). Durations are in nanoseconds.
#pragma once

#include "domain/envelope.hpp"
#include "domain/error.hpp"
#include "domain/incident.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::domain {

using duration = std::int64_t; // nanoseconds

enum class payload_format : std::uint8_t { tocsin, slack, pagerduty, alertmanager };
std::string_view to_string(payload_format f);
std::optional<payload_format> parse_payload_format(std::string_view s);

/// Where notifications go: an HTTP endpoint with a payload format.
struct channel {
  std::string name;
  std::string url;                      // http:// or https://, required
  payload_format format = payload_format::tocsin;
  std::string secret;                   // non-empty: HMAC-SHA256 signature header over the body
  std::string routing_key;              // pagerduty only (Events API v2 routing_key)
  friend bool operator==(const channel& a, const channel& b) {
    return a.name == b.name && a.url == b.url && a.format == b.format && a.secret == b.secret
           && a.routing_key == b.routing_key;
  }
};

/// Known roles (workflows.txt "Routing"); a policy may only use these.
inline constexpr std::string_view known_roles[] = {"runtime.operator", "cost.analyst",
                                                   "quality.reviewer"};

/// Incidents matching (category, source) — an empty optional matches any — go to `role`.
struct route {
  std::optional<category> cat;
  std::optional<incident_source> source;
  std::string role;
  friend bool operator==(const route& a, const route& b) {
    return a.cat == b.cat && a.source == b.source && a.role == b.role;
  }
};

/// Step k (1-based) of an escalation: notify `role` (empty = the routed role) after `delay`
/// measured from the previous step (step 1: from the escalation itself, usually 0).
struct step_def {
  duration delay = 0;
  std::string role;
  friend bool operator==(const step_def& a, const step_def& b) {
    return a.delay == b.delay && a.role == b.role;
  }
};

struct governance_thresholds {
  double cost_anomaly_above = 0;   // cost anomalies above this amount go to governance; 0 = off
  std::uint32_t slo_breaches = 0;  // N breaches of one SLO ...
  duration slo_breach_period = 0;  // ... within this period; 0 = off
  std::string channel;             // governance channel name (must exist when a rule is on)
  friend bool operator==(const governance_thresholds& a, const governance_thresholds& b) {
    return a.cost_anomaly_above == b.cost_anomaly_above && a.slo_breaches == b.slo_breaches
           && a.slo_breach_period == b.slo_breach_period && a.channel == b.channel;
  }
};

struct tenant_policy {
  std::string tenant;
  /// Time an incident may stay Open or Investigating before it escalates, by severity.
  /// A severity without an entry never escalates by timer.
  std::map<severity, duration> sla;
  std::vector<route> routes;                // first match wins
  std::string default_role = "runtime.operator";
  std::map<std::string, std::vector<std::string>> role_channels; // role → channel names
  std::map<std::string, channel> channels;  // by name
  std::vector<step_def> steps;              // at least one; step 1 is taken on escalation
  duration repeat_interval = 0;             // after the last step: repeat it this often ...
  std::uint32_t max_repeats = 0;            // ... this many times (0 = stop after the last step)
  governance_thresholds governance;

  friend bool operator==(const tenant_policy& a, const tenant_policy& b);
};

/// The policy used for a tenant with none configured: category cost to cost.analyst,
/// runtime.operator for everything else, no channels, SLAs critical 5m / high 30m / warning 4h,
/// one step, no repeats.
tenant_policy default_policy(const std::string& tenant);

/// invalid_argument naming the field at fault ("channels.pager.url: required", "steps[1].delay:
/// must not be negative", "routes[0].role: unknown role 'x'"), or ok.
error validate(const tenant_policy& p);

/// Role an incident is routed to (first matching route, else default_role).
std::string route_role(const tenant_policy& p, const incident_state& s);

/// When the incident must next escalate (or take its next step), if ever:
///  - Open or Investigating: entered_at[status] + sla[severity] (none without an SLA);
///  - Escalated: time of the last step taken + delay of the next step; after the last step,
///    + repeat_interval while fewer than max_repeats repeats were taken; else none;
///  - Acknowledged, Mitigated, Resolved: none.
std::optional<timestamp> next_deadline(const tenant_policy& p, const incident_state& s);

/// The escalate command to issue at `now` when the deadline has passed (reason timer, with the
/// step number, role and its channels filled in); nullopt when nothing is due at `now`.
std::optional<escalate> due_escalation(const tenant_policy& p, const incident_state& s,
                                       timestamp now);

/// The first step for an escalation of `reason` decided now (severity on a critical open, or
/// manual): number 1 (or the next number if steps were taken), routed role and its channels.
escalation_step first_step(const tenant_policy& p, const incident_state& s);

/// One HTTP notification to send because of a journaled incident event.
struct notification {
  std::string id;          // deterministic: stable_id(event_id, channel) — the Idempotency-Key
  std::string channel;     // channel name
  std::string event_id;
  std::string incident_id;
  std::string kind;        // "trigger" (a step paged), "acknowledge", "resolve"
  friend bool operator==(const notification& a, const notification& b) {
    return a.id == b.id && a.channel == b.channel && a.event_id == b.event_id
           && a.incident_id == b.incident_id && a.kind == b.kind;
  }
};

/// Notifications caused by `env` given the incident state after it (`s`):
///  - EscalationStepTaken: "trigger" to each channel of the step;
///  - IncidentAcknowledged / OnCallEngaged: "acknowledge" to every channel paged so far;
///  - IncidentResolved: "resolve" to every channel paged so far;
///  - anything else: none. Channels missing from the policy are skipped.
std::vector<notification> notifications_for(const tenant_policy& p, const envelope& env,
                                            const incident_state& s);

/// Deterministic id from parts (hex of a 128-bit FNV-1a): same inputs, same id, every retry.
std::string stable_id(std::string_view a, std::string_view b);

} // namespace tocsin::domain
