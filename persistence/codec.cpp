// Envelope and snapshot encoding over the generated protobuf classes. Scratch messages are
// thread_local so that the writer thread reuses their allocations record after record.
#include "persistence/codec.hpp"

#include "persistence/proto_convert.hpp"

#include <limits>

namespace tocsin::persistence {

namespace {

namespace pb = ::tocsin::v1;
using proto::from_proto;
using proto::from_proto_enum;
using proto::to_proto;
using proto::to_proto_enum;

constexpr int status_count = domain::status_count;
constexpr int severity_count = 4;
constexpr int source_count = 5;
constexpr int category_count = 5;
constexpr int reason_count = 3;

domain::error corrupt(std::string what) {
  return domain::make_error(domain::errc::corrupt_record, std::move(what));
}

template <class Message>
bool parse_bytes(Message& m, std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return false;
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

void snapshot_to_proto(const domain::incident_state& s, pb::IncidentSnapshot& m) {
  m.set_id(s.id);
  m.set_tenant(s.tenant);
  m.set_title(s.title);
  m.set_severity(static_cast<pb::Severity>(to_proto_enum(s.sev)));
  m.set_source(static_cast<pb::IncidentSource>(to_proto_enum(s.source)));
  m.set_source_id(s.source_id);
  m.set_category(static_cast<pb::Category>(to_proto_enum(s.cat)));
  to_proto(s.attr, *m.mutable_attribution());
  for (const auto& x : s.exemplars)
    to_proto(x, *m.add_exemplars());
  m.set_status(static_cast<pb::IncidentStatus>(to_proto_enum(s.status)));
  for (int i = 0; i < status_count; ++i) {
    if (auto at = s.entered_at[static_cast<std::size_t>(i)]; at != 0) {
      auto& e = *m.add_entered_at();
      e.set_status(static_cast<pb::IncidentStatus>(i + 1));
      e.set_at_unix_nano(static_cast<std::uint64_t>(at));
    }
  }
  m.set_root_cause(s.root_cause);
  m.set_mitigation(s.mitigation);
  m.set_last_escalation(static_cast<pb::EscalationReason>(to_proto_enum(s.last_escalation)));
  for (const auto& r : s.escalations) {
    auto& e = *m.add_escalations();
    e.set_reason(static_cast<pb::EscalationReason>(to_proto_enum(r.reason)));
    to_proto(r.step, *e.mutable_step());
    e.set_at_unix_nano(static_cast<std::uint64_t>(r.at));
  }
  for (const auto& n : s.notes) {
    auto& e = *m.add_notes();
    e.set_text(n.text);
    e.set_by(n.by);
    e.set_at_unix_nano(static_cast<std::uint64_t>(n.at));
  }
  m.set_occurrences(s.occurrences);
  m.set_last_seen_unix_nano(static_cast<std::uint64_t>(s.last_seen));
  m.set_updated_at_unix_nano(static_cast<std::uint64_t>(s.updated_at));
  m.set_version(s.version);
}

domain::error snapshot_from_proto(const pb::IncidentSnapshot& m, domain::incident_state& s) {
  s = domain::incident_state{};
  s.id = m.id();
  s.tenant = m.tenant();
  s.title = m.title();
  s.source_id = m.source_id();
  from_proto(m.attribution(), s.attr);
  s.exemplars.resize(static_cast<std::size_t>(m.exemplars_size()));
  for (int i = 0; i < m.exemplars_size(); ++i)
    from_proto(m.exemplars(i), s.exemplars[static_cast<std::size_t>(i)]);
  if (!from_proto_enum(m.severity(), severity_count, s.sev)
      || !from_proto_enum(m.source(), source_count, s.source)
      || !from_proto_enum(m.category(), category_count, s.cat)
      || !from_proto_enum(m.status(), status_count, s.status)
      || !from_proto_enum(m.last_escalation(), reason_count, s.last_escalation))
    return corrupt("snapshot has an unknown or unspecified enum value");
  for (const auto& e : m.entered_at()) {
    domain::incident_status st;
    if (!from_proto_enum(e.status(), status_count, st))
      return corrupt("snapshot has an unknown state in entered_at");
    s.entered_at[static_cast<std::size_t>(st)] = static_cast<domain::timestamp>(e.at_unix_nano());
  }
  s.root_cause = m.root_cause();
  s.mitigation = m.mitigation();
  s.escalations.resize(static_cast<std::size_t>(m.escalations_size()));
  for (int i = 0; i < m.escalations_size(); ++i) {
    const auto& e = m.escalations(i);
    auto& r = s.escalations[static_cast<std::size_t>(i)];
    if (!from_proto_enum(e.reason(), reason_count, r.reason))
      return corrupt("snapshot has an unknown escalation reason");
    from_proto(e.step(), r.step);
    r.at = static_cast<domain::timestamp>(e.at_unix_nano());
  }
  s.notes.reserve(static_cast<std::size_t>(m.notes_size()));
  for (const auto& n : m.notes())
    s.notes.push_back(domain::note{n.text(), n.by(), static_cast<domain::timestamp>(n.at_unix_nano())});
  s.occurrences = m.occurrences();
  s.last_seen = static_cast<domain::timestamp>(m.last_seen_unix_nano());
  s.updated_at = static_cast<domain::timestamp>(m.updated_at_unix_nano());
  s.version = m.version();
  if (s.version == 0 || s.id.empty())
    return corrupt("snapshot has no id or version");
  return {};
}

} // namespace

void encode_envelope(const domain::envelope& env, std::string& out) {
  thread_local pb::Envelope m;
  m.Clear();
  m.set_event_id(env.event_id);
  m.set_type(env.type);
  m.set_tenant(env.tenant);
  m.set_partition(env.partition);
  m.set_aggregate_id(env.aggregate_id);
  m.set_sequence(env.sequence);
  m.set_trace_id(env.trace_id);
  m.set_source(env.source);
  m.set_source_id(env.source_id);
  m.set_occurred_at_unix_nano(static_cast<std::uint64_t>(env.occurred_at));
  proto::payload_to_proto(env.payload, m);
  m.SerializeToString(&out);
}

domain::error decode_envelope(std::string_view bytes, domain::envelope& out) {
  thread_local pb::Envelope m;
  if (!parse_bytes(m, bytes))
    return corrupt("envelope is not valid protobuf");
  if (!proto::payload_from_proto(m, out.payload))
    return corrupt("envelope has no incident payload, an unknown kind, or bad enum values");
  out.event_id = m.event_id();
  out.type = m.type();
  out.tenant = m.tenant();
  out.partition = m.partition();
  out.aggregate_id = m.aggregate_id();
  out.sequence = m.sequence();
  out.trace_id = m.trace_id();
  out.source = m.source();
  out.source_id = m.source_id();
  out.occurred_at = static_cast<domain::timestamp>(m.occurred_at_unix_nano());
  if (out.aggregate_id.empty() || out.sequence == 0)
    return corrupt("envelope has no aggregate id or sequence");
  return {};
}

void encode_snapshot(const domain::incident_state& s, std::string& out) {
  thread_local pb::IncidentSnapshot m;
  m.Clear();
  snapshot_to_proto(s, m);
  m.SerializeToString(&out);
}

domain::error decode_snapshot(std::string_view bytes, domain::incident_state& out) {
  thread_local pb::IncidentSnapshot m;
  if (!parse_bytes(m, bytes))
    return corrupt("snapshot is not valid protobuf");
  return snapshot_from_proto(m, out);
}

} // namespace tocsin::persistence
