// Domain <-> protobuf conversions of incident values and events (see proto_convert.hpp).
#include "persistence/proto_convert.hpp"

#include <cstdint>
#include <type_traits>

namespace tocsin::persistence::proto {

namespace {

constexpr int severity_count = 4;
constexpr int source_count = 5;
constexpr int category_count = 5;
constexpr int reason_count = 3;

// Timestamps travel as fixed64 (as in OTLP); the domain keeps them signed.
std::uint64_t ts_out(domain::timestamp t) { return static_cast<std::uint64_t>(t); }
domain::timestamp ts_in(std::uint64_t t) { return static_cast<domain::timestamp>(t); }

template <class T>
struct always_false : std::false_type {};

void exemplars_to_proto(const std::vector<domain::exemplar>& in,
                        google::protobuf::RepeatedPtrField<pb::Exemplar>& out) {
  out.Reserve(static_cast<int>(in.size()));
  for (const auto& x : in)
    to_proto(x, *out.Add());
}

void exemplars_from_proto(const google::protobuf::RepeatedPtrField<pb::Exemplar>& in,
                          std::vector<domain::exemplar>& out) {
  out.resize(static_cast<std::size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i)
    from_proto(in.Get(i), out[static_cast<std::size_t>(i)]);
}

bool opened_from_proto(const pb::IncidentOpened& m, domain::incident_opened& e) {
  e.id = m.id();
  e.tenant = m.tenant();
  e.title = m.title();
  e.source_id = m.source_id();
  from_proto(m.attribution(), e.attr);
  exemplars_from_proto(m.exemplars(), e.exemplars);
  e.by = m.by();
  e.at = ts_in(m.at_unix_nano());
  return from_proto_enum(m.severity(), severity_count, e.sev)
         && from_proto_enum(m.source(), source_count, e.source)
         && from_proto_enum(m.category(), category_count, e.cat);
}

void opened_to_proto(const domain::incident_opened& e, pb::IncidentOpened& m) {
  m.set_id(e.id);
  m.set_tenant(e.tenant);
  m.set_title(e.title);
  m.set_severity(static_cast<pb::Severity>(to_proto_enum(e.sev)));
  m.set_source(static_cast<pb::IncidentSource>(to_proto_enum(e.source)));
  m.set_source_id(e.source_id);
  m.set_category(static_cast<pb::Category>(to_proto_enum(e.cat)));
  to_proto(e.attr, *m.mutable_attribution());
  exemplars_to_proto(e.exemplars, *m.mutable_exemplars());
  m.set_by(e.by);
  m.set_at_unix_nano(ts_out(e.at));
}

} // namespace

void to_proto(const domain::attribution& in, pb::Attribution& out) {
  out.set_artifact_id(in.artifact_id);
  out.set_agent_id(in.agent_id);
  out.set_skill_id(in.skill_id);
  out.set_trace_id(in.trace_id);
}

void from_proto(const pb::Attribution& in, domain::attribution& out) {
  out.artifact_id = in.artifact_id();
  out.agent_id = in.agent_id();
  out.skill_id = in.skill_id();
  out.trace_id = in.trace_id();
}

void to_proto(const domain::exemplar& in, pb::Exemplar& out) {
  out.set_trace_id(in.trace_id);
  out.set_span_id(in.span_id);
  out.set_artifact_id(in.artifact_id);
  out.set_agent_id(in.agent_id);
  out.set_skill_id(in.skill_id);
  out.set_value(in.value);
  out.set_at_unix_nano(ts_out(in.at));
}

void from_proto(const pb::Exemplar& in, domain::exemplar& out) {
  out.trace_id = in.trace_id();
  out.span_id = in.span_id();
  out.artifact_id = in.artifact_id();
  out.agent_id = in.agent_id();
  out.skill_id = in.skill_id();
  out.value = in.value();
  out.at = ts_in(in.at_unix_nano());
}

void to_proto(const domain::escalation_step& in, pb::EscalationStep& out) {
  out.set_number(in.number);
  out.set_role(in.role);
  out.mutable_channels()->Reserve(static_cast<int>(in.channels.size()));
  for (const auto& c : in.channels)
    out.add_channels(c);
}

void from_proto(const pb::EscalationStep& in, domain::escalation_step& out) {
  out.number = in.number();
  out.role = in.role();
  out.channels.assign(in.channels().begin(), in.channels().end());
}

void payload_to_proto(const domain::incident_event& ev, pb::Envelope& out) {
  std::visit(
    [&out](const auto& e) {
      using T = std::decay_t<decltype(e)>;
      if constexpr (std::is_same_v<T, domain::incident_opened>) {
        opened_to_proto(e, *out.mutable_incident_opened());
      } else if constexpr (std::is_same_v<T, domain::incident_acknowledged>) {
        auto& m = *out.mutable_incident_acknowledged();
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::investigation_started>) {
        auto& m = *out.mutable_investigation_started();
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::mitigation_applied>) {
        auto& m = *out.mutable_mitigation_applied();
        m.set_mitigation(e.mitigation);
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::incident_escalated>) {
        auto& m = *out.mutable_incident_escalated();
        m.set_reason(static_cast<pb::EscalationReason>(to_proto_enum(e.reason)));
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::escalation_step_taken>) {
        auto& m = *out.mutable_escalation_step_taken();
        to_proto(e.step, *m.mutable_step());
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::on_call_engaged>) {
        auto& m = *out.mutable_on_call_engaged();
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::incident_resolved>) {
        auto& m = *out.mutable_incident_resolved();
        m.set_root_cause(e.root_cause);
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::note_added>) {
        auto& m = *out.mutable_note_added();
        m.set_text(e.text);
        m.set_by(e.by);
        m.set_at_unix_nano(ts_out(e.at));
      } else if constexpr (std::is_same_v<T, domain::signal_repeated>) {
        auto& m = *out.mutable_signal_repeated();
        m.set_occurrences(e.occurrences);
        exemplars_to_proto(e.exemplars, *m.mutable_exemplars());
        m.set_at_unix_nano(ts_out(e.at));
      } else {
        static_assert(always_false<T>::value, "every incident event needs an encoding");
      }
    },
    ev);
}

bool payload_from_proto(const pb::Envelope& in, domain::incident_event& out) {
  switch (in.payload_case()) {
    case pb::Envelope::kIncidentOpened: {
      domain::incident_opened e;
      if (!opened_from_proto(in.incident_opened(), e))
        return false;
      out = std::move(e);
      return true;
    }
    case pb::Envelope::kIncidentAcknowledged: {
      const auto& m = in.incident_acknowledged();
      out = domain::incident_acknowledged{m.by(), ts_in(m.at_unix_nano())};
      return true;
    }
    case pb::Envelope::kInvestigationStarted: {
      const auto& m = in.investigation_started();
      out = domain::investigation_started{m.by(), ts_in(m.at_unix_nano())};
      return true;
    }
    case pb::Envelope::kMitigationApplied: {
      const auto& m = in.mitigation_applied();
      out = domain::mitigation_applied{m.mitigation(), m.by(), ts_in(m.at_unix_nano())};
      return true;
    }
    case pb::Envelope::kIncidentEscalated: {
      const auto& m = in.incident_escalated();
      domain::incident_escalated e;
      if (!from_proto_enum(m.reason(), reason_count, e.reason))
        return false;
      e.by = m.by();
      e.at = ts_in(m.at_unix_nano());
      out = std::move(e);
      return true;
    }
    case pb::Envelope::kEscalationStepTaken: {
      const auto& m = in.escalation_step_taken();
      domain::escalation_step_taken e;
      from_proto(m.step(), e.step);
      e.at = ts_in(m.at_unix_nano());
      out = std::move(e);
      return true;
    }
    case pb::Envelope::kOnCallEngaged: {
      const auto& m = in.on_call_engaged();
      out = domain::on_call_engaged{m.by(), ts_in(m.at_unix_nano())};
      return true;
    }
    case pb::Envelope::kIncidentResolved: {
      const auto& m = in.incident_resolved();
      out = domain::incident_resolved{m.root_cause(), m.by(), ts_in(m.at_unix_nano())};
      return true;
    }
    case pb::Envelope::kNoteAdded: {
      const auto& m = in.note_added();
      out = domain::note_added{m.text(), m.by(), ts_in(m.at_unix_nano())};
      return true;
    }
    case pb::Envelope::kSignalRepeated: {
      const auto& m = in.signal_repeated();
      domain::signal_repeated e;
      e.occurrences = m.occurrences();
      exemplars_from_proto(m.exemplars(), e.exemplars);
      e.at = ts_in(m.at_unix_nano());
      out = std::move(e);
      return true;
    }
    case pb::Envelope::PAYLOAD_NOT_SET:
      break;
  }
  return false; // absent, or a kind (feedback, SLO) this build's domain cannot represent
}

} // namespace tocsin::persistence::proto
