// Canonical names of the incident enums. One name table per enum serves both directions, so a
// name can never be printable but unparseable.
#include "domain/incident_types.hpp"

#include <array>
#include <cstddef>

namespace tocsin::domain {
namespace {

constexpr std::array<std::string_view, 4> severity_names{"critical", "high", "warning", "info"};
constexpr std::array<std::string_view, 5> source_names{"slo", "cost", "signal", "manual", "alert"};
constexpr std::array<std::string_view, 5> category_names{
    "reliability", "performance", "cost", "maintainability", "correctness"};
constexpr std::array<std::string_view, status_count> status_names{
    "open", "acknowledged", "investigating", "mitigated", "escalated", "resolved"};
constexpr std::array<std::string_view, 3> reason_names{"severity", "timer", "manual"};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum v) {
  auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view{"unknown"};
}

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<Enum>(i);
  return std::nullopt;
}

} // namespace

std::string_view to_string(severity v) { return name_of(severity_names, v); }
std::string_view to_string(incident_source v) { return name_of(source_names, v); }
std::string_view to_string(category v) { return name_of(category_names, v); }
std::string_view to_string(incident_status v) { return name_of(status_names, v); }
std::string_view to_string(escalation_reason v) { return name_of(reason_names, v); }

std::optional<severity> parse_severity(std::string_view s) {
  return parse_name<severity>(severity_names, s);
}
std::optional<incident_source> parse_source(std::string_view s) {
  return parse_name<incident_source>(source_names, s);
}
std::optional<category> parse_category(std::string_view s) {
  return parse_name<category>(category_names, s);
}
std::optional<incident_status> parse_status(std::string_view s) {
  return parse_name<incident_status>(status_names, s);
}
std::optional<escalation_reason> parse_escalation_reason(std::string_view s) {
  return parse_name<escalation_reason>(reason_names, s);
}

} // namespace tocsin::domain
