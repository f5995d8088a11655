// Policy encoding: see policy_codec.hpp.
#include "persistence/policy_codec.hpp"

#include "persistence/proto_convert.hpp"
#include "tocsin/v1/definitions.pb.h"

namespace tocsin::persistence {

namespace {

namespace pb = ::tocsin::v1;
using proto::from_proto_enum;
using proto::to_proto_enum;

} // namespace

void policy_to_pb(const domain::tenant_policy& p, pb::TenantPolicy& m) {
  m.set_tenant(p.tenant);
  for (const auto& [sev, sla] : p.sla) {
    auto* s = m.add_sla();
    s->set_severity(static_cast<pb::Severity>(to_proto_enum(sev)));
    s->set_sla_nanos(sla);
  }
  for (const auto& r : p.routes) {
    auto* out = m.add_routes();
    if (r.cat)
      out->set_category(static_cast<pb::Category>(to_proto_enum(*r.cat)));
    if (r.source)
      out->set_source(static_cast<pb::IncidentSource>(to_proto_enum(*r.source)));
    out->set_role(r.role);
  }
  m.set_default_role(p.default_role);
  for (const auto& [role, channels] : p.role_channels) {
    auto* rc = m.add_role_channels();
    rc->set_role(role);
    for (const auto& c : channels)
      rc->add_channels(c);
  }
  for (const auto& [name, c] : p.channels) {
    auto* out = m.add_channels();
    out->set_name(c.name);
    out->set_url(c.url);
    out->set_format(static_cast<pb::PayloadFormat>(to_proto_enum(c.format)));
    out->set_secret(c.secret);
    out->set_routing_key(c.routing_key);
  }
  for (const auto& s : p.steps) {
    auto* out = m.add_steps();
    out->set_delay_nanos(s.delay);
    out->set_role(s.role);
  }
  m.set_repeat_interval_nanos(p.repeat_interval);
  m.set_max_repeats(p.max_repeats);
  auto* g = m.mutable_governance();
  g->set_cost_anomaly_above(p.governance.cost_anomaly_above);
  g->set_slo_breaches(p.governance.slo_breaches);
  g->set_slo_breach_period_nanos(p.governance.slo_breach_period);
  g->set_channel(p.governance.channel);
}

bool policy_from_pb(const pb::TenantPolicy& m, domain::tenant_policy& p) {
  p = domain::tenant_policy{};
  p.tenant = m.tenant();
  for (const auto& s : m.sla()) {
    domain::severity sev;
    if (!from_proto_enum(s.severity(), 4, sev))
      return false;
    p.sla[sev] = s.sla_nanos();
  }
  for (const auto& r : m.routes()) {
    domain::route out;
    domain::category cat;
    domain::incident_source src;
    if (r.category() != 0) {
      if (!from_proto_enum(r.category(), 5, cat))
        return false;
      out.cat = cat;
    }
    if (r.source() != 0) {
      if (!from_proto_enum(r.source(), 5, src))
        return false;
      out.source = src;
    }
    out.role = r.role();
    p.routes.push_back(std::move(out));
  }
  p.default_role = m.default_role();
  for (const auto& rc : m.role_channels())
    p.role_channels[rc.role()].assign(rc.channels().begin(), rc.channels().end());
  for (const auto& c : m.channels()) {
    domain::channel out{c.name(), c.url(), domain::payload_format::tocsin, c.secret(),
                        c.routing_key()};
    if (!from_proto_enum(c.format(), 4, out.format))
      return false;
    p.channels[out.name] = std::move(out);
  }
  for (const auto& s : m.steps())
    p.steps.push_back(domain::step_def{s.delay_nanos(), s.role()});
  p.repeat_interval = m.repeat_interval_nanos();
  p.max_repeats = m.max_repeats();
  p.governance.cost_anomaly_above = m.governance().cost_anomaly_above();
  p.governance.slo_breaches = m.governance().slo_breaches();
  p.governance.slo_breach_period = m.governance().slo_breach_period_nanos();
  p.governance.channel = m.governance().channel();
  return true;
}

std::string policy_key(const std::string& tenant) {
  return std::string(policy_prefix) + tenant;
}

std::string config_policy_key(const std::string& tenant) {
  return "policy-config/" + tenant;
}

std::string encode_policy(const stored_policy& p) {
  pb::StoredPolicy m;
  policy_to_pb(p.policy, *m.mutable_policy());
  m.set_source(p.source);
  m.set_applied_at_unix_nano(static_cast<std::uint64_t>(p.applied_at));
  return m.SerializeAsString();
}

domain::error decode_policy(std::string_view bytes, stored_policy& out) {
  pb::StoredPolicy m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || !policy_from_pb(m.policy(), out.policy))
    return domain::make_error(domain::errc::corrupt_record, "stored policy does not decode");
  out.source = m.source();
  out.applied_at = static_cast<domain::timestamp>(m.applied_at_unix_nano());
  return {};
}

} // namespace tocsin::persistence
