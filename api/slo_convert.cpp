// SLO conversions: see slo_convert.hpp.
#include "api/slo_convert.hpp"

#include "config/openslo_yaml.hpp"
#include "persistence/proto_convert.hpp"
#include "persistence/slo_codec.hpp"

namespace tocsin::api {

namespace {

v1::Severity severity_pb(domain::severity s) {
  return static_cast<v1::Severity>(persistence::proto::to_proto_enum(s));
}

domain::error invalid(const std::string& what) {
  return domain::make_error(domain::errc::invalid_argument, what);
}

// Series keys of a structured definition may leave the tenant out: it is the SLO's.
void fill_tenant(domain::series_selector& s, const std::string& tenant) {
  if (s.key.tenant.empty())
    s.key.tenant = tenant;
}

} // namespace

void status_to_pb(const actors::slo_status_view& v, const std::string& open_incident_id,
                  v1::SloStatus& out) {
  const auto& d = v.slo.definition;
  const auto& s = v.status;
  out.set_id(d.id);
  out.set_tenant(d.tenant);
  out.set_at_unix_nano(static_cast<std::uint64_t>(s.at));
  out.set_target(d.target);
  out.set_window_nanos(d.window);
  if (s.sli)
    out.set_sli(*s.sli);
  out.set_budget_remaining(s.budget_remaining);
  out.set_budget_consumed(s.budget_consumed);
  out.set_budget_complete(s.budget_complete);
  const auto& conditions = domain::effective_conditions(d);
  for (std::size_t i = 0; i < s.conditions.size(); ++i) {
    const auto& c = s.conditions[i];
    auto* m = out.add_conditions();
    m->set_name(c.name);
    m->set_severity(severity_pb(c.severity));
    m->set_threshold(c.threshold);
    if (i < conditions.size()) {
      m->set_long_window_nanos(conditions[i].long_window);
      m->set_short_window_nanos(conditions[i].short_window);
    }
    m->set_long_burn_rate(c.long_burn);
    m->set_short_burn_rate(c.short_burn);
    m->set_long_complete(c.long_complete);
    m->set_short_complete(c.short_complete);
    m->set_state(std::string(domain::to_string(c.state)));
  }
  out.set_health(std::string(domain::to_string(s.health)));
  out.set_breaching(s.breaching);
  out.set_stale(s.stale);
  out.set_partial(s.partial);
  if (s.severity)
    out.set_severity(severity_pb(*s.severity));
  for (const auto& e : s.exemplars)
    persistence::proto::to_proto(e, *out.add_exemplars()); // as incidents carry them
  const auto until = std::max<domain::timestamp>(s.data_until, 0); // min() before any window
  out.set_data_until_unix_nano(static_cast<std::uint64_t>(until));
  out.set_open_incident_id(open_incident_id);
  out.set_tracked_breaching(v.breach.breaching);
  if (v.breach.breaching)
    out.set_breaching_since_unix_nano(static_cast<std::uint64_t>(v.breach.since));
}

domain::result<std::vector<domain::slo_definition>>
definitions_of(const v1::ApplySloRequest& req, const std::string& tenant) {
  std::vector<domain::slo_definition> out;
  if (!req.yaml().empty()) {
    const std::string name = req.file_name().empty() ? "request" : req.file_name();
    auto parsed = config::parse_openslo_text(req.yaml(), name, tenant);
    if (!parsed)
      return parsed.err();
    out = std::move(*parsed);
  }
  for (int i = 0; i < req.definitions_size(); ++i) {
    const std::string at = "definitions[" + std::to_string(i) + "]";
    domain::slo_definition d;
    if (!persistence::slo_from_pb(req.definitions(i), d))
      return invalid(at + ": an enum value is out of range");
    if (d.tenant.empty())
      d.tenant = tenant;
    if (d.tenant != tenant)
      return invalid(at + ".tenant: must be the call's tenant '" + tenant + "'");
    fill_tenant(d.ratio.total, tenant);
    if (d.ratio.good)
      fill_tenant(*d.ratio.good, tenant);
    if (d.ratio.bad)
      fill_tenant(*d.ratio.bad, tenant);
    out.push_back(std::move(d));
  }
  if (out.empty())
    return invalid("yaml: no SLO to apply (no OpenSLO document of kind SLO, no definition)");
  return out;
}

} // namespace tocsin::api
