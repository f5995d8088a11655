// Value types of the incident aggregate: enums with their canonical names, attribution, exemplars,
// escalation steps. Pure; shared by domain/, persistence/ (encoding) and api/ (conversion).
#pragma once

#include "domain/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::domain {

enum class severity : std::uint8_t { critical, high, warning, info };
enum class incident_source : std::uint8_t { slo, cost, signal, manual, alert };
enum class category : std::uint8_t { reliability, performance, cost, maintainability, correctness };
enum class incident_status : std::uint8_t {
  open,
  acknowledged,
  investigating,
  mitigated,
  escalated,
  resolved,
};
enum class escalation_reason : std::uint8_t { severity, timer, manual };

constexpr int status_count = 6;

// Canonical lower-case names ("critical", "slo", "reliability", "investigating", "timer").
std::string_view to_string(severity v);
std::string_view to_string(incident_source v);
std::string_view to_string(category v);
std::string_view to_string(incident_status v);
std::string_view to_string(escalation_reason v);

// Parsers accept exactly the canonical names; nullopt otherwise.
std::optional<severity> parse_severity(std::string_view s);
std::optional<incident_source> parse_source(std::string_view s);
std::optional<category> parse_category(std::string_view s);
std::optional<incident_status> parse_status(std::string_view s);
std::optional<escalation_reason> parse_escalation_reason(std::string_view s);

/// Who/what produced the observed behaviour (the feedback loop's attribution).
struct attribution {
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  std::string trace_id;
  friend bool operator==(const attribution& a, const attribution& b) {
    return a.artifact_id == b.artifact_id && a.agent_id == b.agent_id && a.skill_id == b.skill_id
           && a.trace_id == b.trace_id;
  }
};

/// A sample of the telemetry that caused a signal (kept small: a handful per incident).
struct exemplar {
  std::string trace_id;
  std::string span_id;
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  double value = 0;
  timestamp at = 0;
  friend bool operator==(const exemplar& a, const exemplar& b) {
    return a.trace_id == b.trace_id && a.span_id == b.span_id && a.artifact_id == b.artifact_id
           && a.agent_id == b.agent_id && a.skill_id == b.skill_id && a.value == b.value
           && a.at == b.at;
  }
};

/// One escalation step as decided by the tenant policy (role and channels to notify).
struct escalation_step {
  std::uint32_t number = 0;
  std::string role;
  std::vector<std::string> channels;
  friend bool operator==(const escalation_step& a, const escalation_step& b) {
    return a.number == b.number && a.role == b.role && a.channels == b.channels;
  }
};

/// Maximum exemplars an incident keeps; further ones are dropped (oldest kept: they opened it).
constexpr std::size_t max_exemplars = 8;

} // namespace tocsin::domain
