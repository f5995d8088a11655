// Feedback items (DESIGN.md §7): what a resolved incident, a runtime signal (a span or log record
// carrying feedback.* attributes, or error spans folded per artifact and window) or a cost
// anomaly becomes, attributed to the artifact, agent and skill that produced the behaviour.
// Pure; built by the feedback actor, stored and served by persistence/ and api/.
#pragma once

#include "domain/error.hpp"
#include "domain/incident.hpp"
#include "domain/telemetry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::domain {

enum class feedback_source : std::uint8_t { incident, signal, cost };
enum class sentiment : std::uint8_t { negative, neutral, positive };
std::string_view to_string(feedback_source v);
std::string_view to_string(sentiment v);
std::optional<feedback_source> parse_feedback_source(std::string_view s);
/// "negative" | "neutral" | "positive"; also -1 / 0 / 1, as SDKs often record numbers.
std::optional<sentiment> parse_sentiment(std::string_view s);

struct feedback_item {
  std::string id; // feedback_id(tenant, source, source_id): the same on every redelivery
  std::string tenant;
  feedback_source source = feedback_source::incident;
  std::string source_id;
  domain::category cat = domain::category::reliability;
  domain::sentiment sent = domain::sentiment::negative;
  std::string summary;
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  std::string trace_id;
  timestamp created_at = 0;
  friend bool operator==(const feedback_item& a, const feedback_item& b);
  friend bool operator!=(const feedback_item& a, const feedback_item& b) { return !(a == b); }
};

/// The idempotency key (tenant, source, source_id) as bytes: tenant \0 source \0 source_id.
std::string feedback_key(const std::string& tenant, feedback_source source,
                         const std::string& source_id);
/// "fb-" + 16 hex digits of FNV-1a 64 over feedback_key: deterministic, so a consumer that
/// receives an item twice (at-least-once) can use it as its idempotency key.
std::string feedback_id(const std::string& tenant, feedback_source source,
                        const std::string& source_id);

/// From a Resolved incident: source_id = incident id, category the incident's, negative
/// (something broke), summary from title and root cause, attribution from the incident (trace
/// id: the attribution's, else the first exemplar's). invalid_argument unless resolved.
result<feedback_item> from_resolved_incident(const incident_state& s, timestamp now);

/// From a span with feedback.category: source_id = "<trace id hex>/<span id hex>".
/// invalid_argument when the category or sentiment is not a known word (sentiment defaults
/// to negative when absent), or the span has no ids.
result<feedback_item> from_span_signal(const std::string& tenant, const span_record& span,
                                       timestamp now);

/// From a log record with feedback.category: source_id = log.record.uid, else
/// "<trace id hex>/<span id hex>/<time>", else refused (a record without identity would be
/// counted again on every redelivery). Summary: the body, shortened.
result<feedback_item> from_log_signal(const std::string& tenant, const log_record& rec,
                                      timestamp now);

/// Error spans of one artifact folded over one window: source_id = "<artifact>@<window start>".
struct error_fold {
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  std::string trace_id; // of the first error span (exemplar)
  timestamp window_start = 0;
  std::uint64_t errors = 0;
  std::uint64_t calls = 0; // 0: unknown (the summary then names the errors only)
};
feedback_item from_error_fold(const std::string& tenant, const error_fold& f, timestamp now);

} // namespace tocsin::domain
