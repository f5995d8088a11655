// Webhook bodies, one per payload format (DESIGN.md §6). Rendered once when a notification is
// recorded, so every retry sends identical bytes (and an identical signature). Pure; any thread.
//
// Shapes (times are RFC 3339 UTC with milliseconds unless noted):
//
// tocsin — the canonical envelope as JSON:
//   {event_id, type, tenant, partition, aggregate_id, sequence, trace_id, source, source_id,
//    occurred_at, payload: {the event's own fields, see notify_envelope_json.hpp},
//    incident: {id, title, severity, status, category, source, source_id,
//               attribution: {artifact_id, agent_id, skill_id, trace_id}},
//    notification: {id, kind, channel}}
//
// slack — incoming-webhook message:
//   {text: "[CRITICAL] <title> — <status> (<tenant>) incident <id>"   (one line, no emoji),
//    attachments: [{color, fallback: text, ts: <unix seconds of the event>,
//                   fields: [{title, value, short}...]}]}
//   color: resolve "#2eb886", acknowledge "#daa038", trigger by severity (critical "#d00000",
//   high "#e8590c", warning "#f2c744", info "#439fe0"). Fields: Severity, Status, Tenant,
//   Incident, Category, Source, then Step (trigger), Root cause (resolve), Trace (when known).
//
// pagerduty — Events API v2 (POST https://events.pagerduty.com/v2/enqueue):
//   trigger:  {routing_key, event_action: "trigger", dedup_key: <incident id>, client: "tocsin",
//              payload: {summary (<= 1024 bytes, cut on a UTF-8 boundary), source: tenant
//                        (or "tocsin"), severity: critical→critical, high→error,
//                        warning→warning, info→info, timestamp, component: artifact_id, else
//                        source_id, else source; group: agent_id, else tenant; class: category,
//                        custom_details: {incident_id, tenant, status, step, role, trace_id,
//                        source, source_id, event_id, notification_id, artifact_id, agent_id,
//                        skill_id}}}
//   acknowledge / resolve: {routing_key, event_action, dedup_key: <incident id>} — the same
//   dedup_key as the trigger, so PagerDuty closes the alert it opened.
//
// alertmanager — webhook v4:
//   {version: "4", groupKey: "{}/{incident_id=\"<id>\"}:{alertname=\"<title>\"}",
//    truncatedAlerts: 0, status: "firing"|"resolved" (resolve only), receiver: <channel name>,
//    groupLabels: {alertname}, commonLabels: <the alert's labels>,
//    commonAnnotations: <the alert's annotations>, externalURL: options.external_url,
//    alerts: [{status, labels: {alertname: title, severity, tenant, incident_id, category,
//              source}, annotations: {summary: title, description}, startsAt: opened at,
//              endsAt: "0001-01-01T00:00:00Z" while firing, the resolve time once resolved,
//              generatorURL: <external_url>/incidents/<id> (empty without external_url),
//              fingerprint: first 16 hex digits of stable_id(tenant, incident id)}]}
#pragma once

#include "domain/envelope.hpp"
#include "domain/incident.hpp"
#include "domain/policy.hpp"

#include <string>

namespace tocsin::actors {

struct payload_options {
  std::string external_url; // base URL of the operator UI/API, for links; may be empty
};

/// The body to POST for notification `n` on channel `ch`, caused by `env`; `state` is the
/// incident as of `env` (its status is what the body reports). Never throws: strings that are
/// not valid UTF-8 are repaired (U+FFFD) rather than refused.
std::string render_payload(const domain::envelope& env, const domain::incident_state& state,
                           const domain::notification& n, const domain::channel& ch,
                           const payload_options& opts = {});

/// PagerDuty's severity for ours: critical→critical, high→error, warning→warning, info→info.
std::string pagerduty_severity(domain::severity s);

} // namespace tocsin::actors
