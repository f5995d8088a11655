// SLO encoding: see slo_codec.hpp.
#include "persistence/slo_codec.hpp"

#include "persistence/proto_convert.hpp"
#include "tocsin/v1/definitions.pb.h"

namespace tocsin::persistence {

namespace {

namespace pb = ::tocsin::v1;
using proto::from_proto_enum;
using proto::to_proto_enum;

void key_to_pb(const domain::series_key& k, pb::SeriesKey& m) {
  m.set_kind(static_cast<pb::SeriesKind>(to_proto_enum(k.kind)));
  m.set_tenant(k.tenant);
  m.set_service(k.service);
  m.set_name(k.name);
  m.set_span_kind(k.span);
  m.set_level(static_cast<pb::LogLevel>(k.level)); // 0 is a real level here (see the proto)
  for (const auto& [key, value] : k.attributes) {
    auto* a = m.add_attributes();
    a->set_key(key);
    a->set_value(value);
  }
}

bool key_from_pb(const pb::SeriesKey& m, domain::series_key& k) {
  if (!from_proto_enum(m.kind(), 3, k.kind))
    return false;
  if (m.level() < 0 || m.level() > static_cast<int>(domain::log_level::fatal))
    return false;
  k.tenant = m.tenant();
  k.service = m.service();
  k.name = m.name();
  k.span = m.span_kind();
  k.level = static_cast<domain::log_level>(m.level());
  k.attributes.clear();
  for (const auto& a : m.attributes())
    k.attributes.emplace_back(a.key(), a.value());
  return true;
}

void selector_to_pb(const domain::series_selector& s, pb::SeriesSelector& m) {
  key_to_pb(s.key, *m.mutable_key());
  m.set_measure(static_cast<pb::Measure>(to_proto_enum(s.what)));
}

bool selector_from_pb(const pb::SeriesSelector& m, domain::series_selector& s) {
  return key_from_pb(m.key(), s.key) && from_proto_enum(m.measure(), 4, s.what);
}

} // namespace

std::string slo_key(const std::string& tenant, const std::string& id) {
  return std::string(slo_prefix) + tenant + "/" + id;
}

std::string slo_state_key(const std::string& tenant, const std::string& id) {
  return std::string(slo_state_prefix) + tenant + "/" + id;
}

std::string config_slo_key(const std::string& tenant, const std::string& id) {
  return "slo-config/" + tenant + "/" + id;
}

void slo_to_pb(const domain::slo_definition& d, pb::SloDefinition& m) {
  m.set_id(d.id);
  m.set_tenant(d.tenant);
  m.set_name(d.name);
  m.set_service(d.service);
  m.set_description(d.description);
  auto* r = m.mutable_ratio();
  if (d.ratio.good)
    selector_to_pb(*d.ratio.good, *r->mutable_good());
  if (d.ratio.bad)
    selector_to_pb(*d.ratio.bad, *r->mutable_bad());
  selector_to_pb(d.ratio.total, *r->mutable_total());
  m.set_target(d.target);
  m.set_window_nanos(d.window);
  m.set_budgeting_method("Occurrences");
  for (const auto& c : d.conditions) {
    auto* out = m.add_conditions();
    out->set_name(c.name);
    out->set_severity(static_cast<pb::Severity>(to_proto_enum(c.severity)));
    out->set_long_window_nanos(c.long_window);
    out->set_short_window_nanos(c.short_window);
    out->set_threshold(c.threshold);
  }
  m.set_allowed_staleness_nanos(d.allowed_staleness);
}

bool slo_from_pb(const pb::SloDefinition& m, domain::slo_definition& d) {
  d = domain::slo_definition{};
  d.id = m.id();
  d.tenant = m.tenant();
  d.name = m.name();
  d.service = m.service();
  d.description = m.description();
  const auto& r = m.ratio();
  if (r.has_good() && !selector_from_pb(r.good(), d.ratio.good.emplace()))
    return false;
  if (r.has_bad() && !selector_from_pb(r.bad(), d.ratio.bad.emplace()))
    return false;
  if (!selector_from_pb(r.total(), d.ratio.total))
    return false;
  d.target = m.target();      // no defaults: 0 is refused by validate(), naming the field
  d.window = m.window_nanos();
  if (!m.budgeting_method().empty() && m.budgeting_method() != "Occurrences")
    return false;
  for (const auto& c : m.conditions()) {
    domain::alert_condition out;
    out.name = c.name();
    if (!from_proto_enum(c.severity(), 4, out.severity))
      return false;
    out.long_window = c.long_window_nanos();
    out.short_window = c.short_window_nanos();
    out.threshold = c.threshold();
    d.conditions.push_back(std::move(out));
  }
  if (m.allowed_staleness_nanos() != 0) // optional knob: 0 keeps the default
    d.allowed_staleness = m.allowed_staleness_nanos();
  return true;
}

void stored_slo_to_pb(const stored_slo& s, pb::StoredSlo& m) {
  slo_to_pb(s.definition, *m.mutable_definition());
  m.set_source(s.source);
  m.set_applied_at_unix_nano(static_cast<std::uint64_t>(s.applied_at));
  m.set_yaml(s.yaml);
}

bool stored_slo_from_pb(const pb::StoredSlo& m, stored_slo& s) {
  if (!slo_from_pb(m.definition(), s.definition))
    return false;
  s.source = m.source();
  s.applied_at = static_cast<domain::timestamp>(m.applied_at_unix_nano());
  s.yaml = m.yaml();
  return true;
}

std::string encode_slo(const stored_slo& s) {
  pb::StoredSlo m;
  stored_slo_to_pb(s, m);
  return m.SerializeAsString();
}

domain::error decode_slo(std::string_view bytes, stored_slo& out) {
  pb::StoredSlo m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))
      || !stored_slo_from_pb(m, out))
    return domain::make_error(domain::errc::corrupt_record, "stored SLO does not decode");
  return {};
}

std::string encode_slo_state(const stored_slo_state& s) {
  pb::SloBreachState m;
  m.set_breaching(s.breach.breaching);
  m.set_since_unix_nano(static_cast<std::uint64_t>(s.breach.since));
  m.set_last_notified_unix_nano(static_cast<std::uint64_t>(s.breach.last_notified));
  m.set_notified_severity(static_cast<pb::Severity>(to_proto_enum(s.breach.notified_severity)));
  m.set_incident_id(s.incident_id);
  return m.SerializeAsString();
}

domain::error decode_slo_state(std::string_view bytes, stored_slo_state& out) {
  pb::SloBreachState m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))
      || !from_proto_enum(m.notified_severity(), 4, out.breach.notified_severity))
    return domain::make_error(domain::errc::corrupt_record, "stored SLO state does not decode");
  out.breach.breaching = m.breaching();
  out.breach.since = static_cast<domain::timestamp>(m.since_unix_nano());
  out.breach.last_notified = static_cast<domain::timestamp>(m.last_notified_unix_nano());
  out.incident_id = m.incident_id();
  return {};
}

} // namespace tocsin::persistence
