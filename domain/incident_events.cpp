// Names, times and equality of incident events. Equality is spelled out per event, field by field:
// a field added to an event must be added here too, or replay tests stop noticing it.
#include "domain/incident_events.hpp"

#include <type_traits>

namespace tocsin::domain {
namespace {

std::string_view type_of(const incident_opened&) { return "IncidentOpened"; }
std::string_view type_of(const incident_acknowledged&) { return "IncidentAcknowledged"; }
std::string_view type_of(const investigation_started&) { return "InvestigationStarted"; }
std::string_view type_of(const mitigation_applied&) { return "MitigationApplied"; }
std::string_view type_of(const incident_escalated&) { return "IncidentEscalated"; }
std::string_view type_of(const escalation_step_taken&) { return "EscalationStepTaken"; }
std::string_view type_of(const on_call_engaged&) { return "OnCallEngaged"; }
std::string_view type_of(const incident_resolved&) { return "IncidentResolved"; }
std::string_view type_of(const note_added&) { return "NoteAdded"; }
std::string_view type_of(const signal_repeated&) { return "SignalRepeated"; }

bool same(const incident_opened& a, const incident_opened& b) {
  return a.id == b.id && a.tenant == b.tenant && a.title == b.title && a.sev == b.sev
         && a.source == b.source && a.source_id == b.source_id && a.cat == b.cat
         && a.attr == b.attr && a.exemplars == b.exemplars && a.by == b.by && a.at == b.at;
}
bool same(const incident_acknowledged& a, const incident_acknowledged& b) {
  return a.by == b.by && a.at == b.at;
}
bool same(const investigation_started& a, const investigation_started& b) {
  return a.by == b.by && a.at == b.at;
}
bool same(const mitigation_applied& a, const mitigation_applied& b) {
  return a.mitigation == b.mitigation && a.by == b.by && a.at == b.at;
}
bool same(const incident_escalated& a, const incident_escalated& b) {
  return a.reason == b.reason && a.by == b.by && a.at == b.at;
}
bool same(const escalation_step_taken& a, const escalation_step_taken& b) {
  return a.step == b.step && a.at == b.at;
}
bool same(const on_call_engaged& a, const on_call_engaged& b) {
  return a.by == b.by && a.at == b.at;
}
bool same(const incident_resolved& a, const incident_resolved& b) {
  return a.root_cause == b.root_cause && a.by == b.by && a.at == b.at;
}
bool same(const note_added& a, const note_added& b) {
  return a.text == b.text && a.by == b.by && a.at == b.at;
}
bool same(const signal_repeated& a, const signal_repeated& b) {
  return a.occurrences == b.occurrences && a.exemplars == b.exemplars && a.at == b.at;
}

} // namespace

std::string_view event_type(const incident_event& ev) {
  return std::visit([](const auto& e) { return type_of(e); }, ev);
}

timestamp event_time(const incident_event& ev) {
  return std::visit([](const auto& e) { return e.at; }, ev);
}

bool operator==(const incident_event& a, const incident_event& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& x) {
        using event_t = std::decay_t<decltype(x)>;
        return same(x, std::get<event_t>(b));
      },
      a);
}

} // namespace tocsin::domain
