// Event payloads, attribution and exemplars reuse persistence's encoders: the API carries the
// same Envelope the journal stores, so both sides must agree byte for byte.
#include "api/convert.hpp"

#include "persistence/proto_convert.hpp"

#include <type_traits>

namespace tocsin::api {

namespace store_pb = persistence::proto;

namespace {

std::uint64_t ts_out(domain::timestamp t) { return static_cast<std::uint64_t>(t); }

template <class Domain, class Proto>
domain::result<Domain> enum_in(Proto v, int count, const char* field, Domain fallback,
                               bool required) {
  if (static_cast<int>(v) == 0) {
    if (required)
      return domain::make_error(domain::errc::invalid_argument, std::string{field} + " is required");
    return fallback;
  }
  Domain out{};
  if (!store_pb::from_proto_enum(static_cast<int>(v), count, out))
    return domain::make_error(domain::errc::invalid_argument,
                              std::string{field} + ": unknown value " + std::to_string(v));
  return out;
}

template <class... Ts>
struct overloaded : Ts... { using Ts::operator()...; };
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

} // namespace

void to_proto(const domain::incident_state& in, pb::Incident& out) {
  out.set_id(in.id);
  out.set_tenant(in.tenant);
  out.set_title(in.title);
  out.set_severity(static_cast<pb::Severity>(store_pb::to_proto_enum(in.sev)));
  out.set_source(static_cast<pb::IncidentSource>(store_pb::to_proto_enum(in.source)));
  out.set_source_id(in.source_id);
  out.set_category(static_cast<pb::Category>(store_pb::to_proto_enum(in.cat)));
  store_pb::to_proto(in.attr, *out.mutable_attribution());
  for (const auto& x : in.exemplars)
    store_pb::to_proto(x, *out.add_exemplars());
  out.set_status(static_cast<pb::IncidentStatus>(store_pb::to_proto_enum(in.status)));
  for (int s = 0; s < domain::status_count; ++s) {
    if (in.entered_at[s] == 0)
      continue;
    auto* e = out.add_entered_at();
    e->set_status(static_cast<pb::IncidentStatus>(s + 1));
    e->set_at_unix_nano(ts_out(in.entered_at[s]));
  }
  out.set_root_cause(in.root_cause);
  out.set_mitigation(in.mitigation);
  for (const auto& r : in.escalations) {
    auto* e = out.add_escalations();
    e->set_reason(static_cast<pb::EscalationReason>(store_pb::to_proto_enum(r.reason)));
    store_pb::to_proto(r.step, *e->mutable_step());
    e->set_at_unix_nano(ts_out(r.at));
  }
  for (const auto& n : in.notes) {
    auto* e = out.add_notes();
    e->set_text(n.text);
    e->set_by(n.by);
    e->set_at_unix_nano(ts_out(n.at));
  }
  out.set_occurrences(in.occurrences);
  out.set_last_seen_unix_nano(ts_out(in.last_seen));
  out.set_updated_at_unix_nano(ts_out(in.updated_at));
  out.set_opened_at_unix_nano(
    ts_out(in.entered_at[static_cast<int>(domain::incident_status::open)]));
  out.set_version(in.version);
  // "repeat" is how signals fold into an incident, not something an operator can do.
  for (auto move : domain::allowed_moves(in))
    if (move != "repeat")
      out.add_allowed_moves(std::string{move});
}

void to_proto(const domain::envelope& in, pb::Envelope& out) {
  out.set_event_id(in.event_id);
  out.set_type(in.type);
  out.set_tenant(in.tenant);
  out.set_partition(in.partition);
  out.set_aggregate_id(in.aggregate_id);
  out.set_sequence(in.sequence);
  out.set_trace_id(in.trace_id);
  out.set_source(in.source);
  out.set_source_id(in.source_id);
  out.set_occurred_at_unix_nano(ts_out(in.occurred_at));
  store_pb::payload_to_proto(in.payload, out);
}

void to_proto(const domain::envelope& in, pb::TimelineEntry& out) {
  out.set_sequence(in.sequence);
  out.set_type(in.type);
  out.set_at_unix_nano(ts_out(in.occurred_at));
  out.set_by(event_by(in.payload));
  out.set_details(event_details(in.payload));
  to_proto(in, *out.mutable_event());
}

void to_proto(const persistence::incident_summary& in, pb::IncidentListEntry& out) {
  out.set_id(in.id);
  out.set_tenant(in.tenant);
  out.set_title(in.title);
  out.set_severity(static_cast<pb::Severity>(store_pb::to_proto_enum(in.sev)));
  out.set_source(static_cast<pb::IncidentSource>(store_pb::to_proto_enum(in.source)));
  out.set_source_id(in.source_id);
  out.set_category(static_cast<pb::Category>(store_pb::to_proto_enum(in.cat)));
  out.set_status(static_cast<pb::IncidentStatus>(store_pb::to_proto_enum(in.status)));
  out.set_trace_id(in.trace_id);
  out.set_opened_at_unix_nano(ts_out(in.opened_at));
  out.set_updated_at_unix_nano(ts_out(in.updated_at));
  out.set_version(in.version);
}

std::string event_by(const domain::incident_event& ev) {
  return std::visit(
    overloaded{
      [](const domain::escalation_step_taken&) { return std::string{"policy"}; },
      [](const domain::signal_repeated&) { return std::string{"signal"}; },
      [](const auto& e) { return e.by; },
    },
    ev);
}

std::string event_details(const domain::incident_event& ev) {
  return std::visit(
    overloaded{
      [](const domain::incident_opened& e) {
        return std::string{domain::to_string(e.sev)} + " " + std::string{domain::to_string(e.cat)}
               + " from " + std::string{domain::to_string(e.source)} + ": " + e.title;
      },
      [](const domain::mitigation_applied& e) { return "mitigation: " + e.mitigation; },
      [](const domain::incident_escalated& e) {
        return "reason: " + std::string{domain::to_string(e.reason)};
      },
      [](const domain::escalation_step_taken& e) {
        std::string out = "step " + std::to_string(e.step.number) + " -> " + e.step.role;
        for (std::size_t i = 0; i < e.step.channels.size(); ++i)
          out += (i == 0 ? " via " : ", ") + e.step.channels[i];
        return out;
      },
      [](const domain::incident_resolved& e) { return "root cause: " + e.root_cause; },
      [](const domain::note_added& e) { return "note: " + e.text; },
      [](const domain::signal_repeated& e) {
        return "occurrences: " + std::to_string(e.occurrences);
      },
      [](const auto&) { return std::string{}; },
    },
    ev);
}

domain::result<domain::severity> from_proto(pb::Severity v, const char* field) {
  return enum_in<domain::severity>(v, 4, field, domain::severity::warning, true);
}
domain::result<domain::category> from_proto(pb::Category v, const char* field) {
  return enum_in<domain::category>(v, 5, field, domain::category::reliability, false);
}
domain::result<domain::incident_source> from_proto(pb::IncidentSource v, const char* field) {
  return enum_in<domain::incident_source>(v, 5, field, domain::incident_source::manual, false);
}
domain::result<domain::incident_status> from_proto(pb::IncidentStatus v, const char* field) {
  return enum_in<domain::incident_status>(v, 6, field, domain::incident_status::open, true);
}

domain::result<domain::open_incident> from_proto(const pb::OpenIncidentRequest& in,
                                                 const std::string& tenant) {
  domain::open_incident out;
  out.tenant = tenant;
  out.title = in.title();
  if (out.title.empty())
    return domain::make_error(domain::errc::invalid_argument, "title is required");
  auto sev = from_proto(in.severity(), "severity");
  if (!sev)
    return sev.err();
  auto cat = from_proto(in.category(), "category");
  if (!cat)
    return cat.err();
  auto src = from_proto(in.source(), "source");
  if (!src)
    return src.err();
  out.sev = *sev;
  out.cat = *cat;
  out.source = *src;
  out.source_id = in.source_id();
  store_pb::from_proto(in.attribution(), out.attr);
  for (const auto& x : in.exemplars()) {
    out.exemplars.emplace_back();
    store_pb::from_proto(x, out.exemplars.back());
  }
  out.by = in.by();
  return out;
}

domain::result<persistence::incident_filter> from_proto(const pb::ListIncidentsRequest& in,
                                                        const std::string& tenant) {
  persistence::incident_filter f;
  f.tenant = tenant;
  if (in.status() != pb::INCIDENT_STATUS_UNSPECIFIED) {
    auto v = from_proto(in.status(), "status");
    if (!v)
      return v.err();
    f.status = *v;
  }
  if (in.severity() != pb::SEVERITY_UNSPECIFIED) {
    auto v = from_proto(in.severity(), "severity");
    if (!v)
      return v.err();
    f.sev = *v;
  }
  if (in.source() != pb::INCIDENT_SOURCE_UNSPECIFIED) {
    auto v = from_proto(in.source(), "source");
    if (!v)
      return v.err();
    f.source = *v;
  }
  if (in.category() != pb::CATEGORY_UNSPECIFIED) {
    auto v = from_proto(in.category(), "category");
    if (!v)
      return v.err();
    f.cat = *v;
  }
  f.trace_id = in.trace_id();
  f.opened_after = static_cast<domain::timestamp>(in.opened_after_unix_nano());
  f.opened_before = static_cast<domain::timestamp>(in.opened_before_unix_nano());
  if (in.page_size() > 1000)
    return domain::make_error(domain::errc::invalid_argument, "page_size must be at most 1000");
  f.page_size = in.page_size() == 0 ? 100 : in.page_size();
  f.page_token = in.page_token();
  return f;
}

} // namespace tocsin::api
