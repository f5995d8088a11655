// Cost detector and breach counter records: see cost_codec.hpp.
#include "persistence/cost_codec.hpp"

#include "tocsin/v1/governance.pb.h"

namespace tocsin::persistence {
namespace {

namespace pb = ::tocsin::v1;
using domain::timestamp;

std::string key(std::string_view prefix, const std::string& a, const std::string& b) {
  std::string out(prefix);
  out.append(a).push_back('\0');
  out.append(b);
  return out;
}

template <class M>
bool parse(M& m, std::string_view bytes) {
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

domain::error corrupt(const char* what) {
  return domain::make_error(domain::errc::corrupt_record, std::string(what) + " does not decode");
}

void anomaly_to_pb(const domain::cost_anomaly_detected& d, pb::CostAnomaly& m) {
  m.set_tenant(d.series.tenant);
  m.set_metric(d.series.metric);
  m.set_artifact_id(d.series.artifact_id);
  m.set_series_id(d.series_id);
  m.set_anomaly_id(d.anomaly_id);
  m.set_window_start_unix_nano(static_cast<std::uint64_t>(d.anomaly.window_start));
  m.set_window_nanos(d.window);
  m.set_value(d.anomaly.value);
  m.set_baseline(d.anomaly.baseline);
  m.set_stddev(d.anomaly.stddev);
  m.set_ratio(d.anomaly.ratio);
  m.set_detected_at_unix_nano(static_cast<std::uint64_t>(d.detected_at));
  m.set_handoff(d.handoff);
  m.set_threshold(d.threshold);
  m.set_channel(d.channel);
}

void anomaly_from_pb(const pb::CostAnomaly& m, domain::cost_anomaly_detected& d) {
  d.series = {m.tenant(), m.metric(), m.artifact_id()};
  d.series_id = m.series_id();
  d.anomaly_id = m.anomaly_id();
  d.anomaly.window_start = static_cast<timestamp>(m.window_start_unix_nano());
  d.window = m.window_nanos();
  d.anomaly.value = m.value();
  d.anomaly.baseline = m.baseline();
  d.anomaly.stddev = m.stddev();
  d.anomaly.ratio = m.ratio();
  d.detected_at = static_cast<timestamp>(m.detected_at_unix_nano());
  d.handoff = m.handoff();
  d.threshold = m.threshold();
  d.channel = m.channel();
}

} // namespace

std::string cost_state_key(const domain::cost_series& s) {
  return key(cost_state_prefix, s.tenant, domain::cost_series_id(s));
}

std::string cost_pending_key(const std::string& tenant, const std::string& anomaly_id) {
  return key(cost_pending_prefix, tenant, anomaly_id);
}

std::string breach_count_key(const std::string& tenant, const std::string& slo_id) {
  return key(breach_count_prefix, tenant, slo_id);
}

std::string encode_cost_series(const stored_cost_series& s) {
  pb::CostSeriesState m;
  m.set_tenant(s.series.tenant);
  m.set_metric(s.series.metric);
  m.set_artifact_id(s.series.artifact_id);
  m.set_mean(s.detector.mean);
  m.set_variance(s.detector.variance);
  m.set_seen(s.detector.seen);
  m.set_anomalous_for(s.detector.anomalous_for);
  m.set_last_window_unix_nano(s.detector.last_window);
  m.set_closed_until_unix_nano(s.rollup.closed_until);
  for (const auto& [start, value] : s.rollup.open) {
    auto* w = m.add_open();
    w->set_start_unix_nano(start);
    w->set_value(value);
  }
  return m.SerializeAsString();
}

domain::result<stored_cost_series> decode_cost_series(std::string_view bytes) {
  pb::CostSeriesState m;
  if (!parse(m, bytes) || m.tenant().empty() || m.metric().empty())
    return corrupt("stored cost series state");
  stored_cost_series s;
  s.series = {m.tenant(), m.metric(), m.artifact_id()};
  s.detector.mean = m.mean();
  s.detector.variance = m.variance();
  s.detector.seen = m.seen();
  s.detector.anomalous_for = m.anomalous_for();
  s.detector.last_window = m.last_window_unix_nano();
  s.rollup.closed_until = m.closed_until_unix_nano();
  for (const auto& w : m.open())
    s.rollup.open[w.start_unix_nano()] += w.value();
  return s;
}

std::string encode_pending_cost(const pending_cost_anomaly& p) {
  pb::PendingCostAnomaly m;
  anomaly_to_pb(p.anomaly, *m.mutable_anomaly());
  m.set_incident_id(p.incident_id);
  return m.SerializeAsString();
}

domain::result<pending_cost_anomaly> decode_pending_cost(std::string_view bytes) {
  pb::PendingCostAnomaly m;
  if (!parse(m, bytes) || !m.has_anomaly() || m.anomaly().anomaly_id().empty())
    return corrupt("pending cost anomaly");
  pending_cost_anomaly p;
  anomaly_from_pb(m.anomaly(), p.anomaly);
  p.incident_id = m.incident_id();
  return p;
}

std::string encode_breach_count(const stored_breach_count& c) {
  pb::SloBreachCount m;
  m.set_tenant(c.tenant);
  m.set_slo_id(c.slo_id);
  for (auto t : c.state.breaches)
    m.add_breaches_unix_nano(t);
  m.set_last_handoff_unix_nano(c.state.last_handoff);
  return m.SerializeAsString();
}

domain::result<stored_breach_count> decode_breach_count(std::string_view bytes) {
  pb::SloBreachCount m;
  if (!parse(m, bytes) || m.tenant().empty() || m.slo_id().empty())
    return corrupt("stored SLO breach count");
  stored_breach_count c;
  c.tenant = m.tenant();
  c.slo_id = m.slo_id();
  c.state.breaches.assign(m.breaches_unix_nano().begin(), m.breaches_unix_nano().end());
  c.state.last_handoff = m.last_handoff_unix_nano();
  return c;
}

} // namespace tocsin::persistence
