#include "domain/cost_signal.hpp"

#include "domain/governance.hpp"

#include <cstdio>
#include <tuple>

namespace tocsin::domain {
namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string window_text(std::int64_t d) {
  const std::int64_t s = d / nanos_per_second;
  if (s > 0 && s % 3600 == 0 && d % nanos_per_second == 0)
    return std::to_string(s / 3600) + "h";
  if (s > 0 && s % 60 == 0 && d % nanos_per_second == 0)
    return std::to_string(s / 60) + "m";
  if (d % nanos_per_second == 0)
    return std::to_string(s) + "s";
  return std::to_string(d / nanos_per_milli) + "ms";
}

std::string whose(const cost_anomaly_detected& d) {
  if (d.series.artifact_id.empty())
    return d.series.metric + " of tenant " + d.series.tenant;
  return d.series.metric + " of artifact " + d.series.artifact_id;
}

// "llm.cost of artifact a1: 250.00 in 1m against a baseline of 10.00 (25.0x)"
std::string describe(const cost_anomaly_detected& d) {
  std::string s = whose(d) + ": " + num(d.anomaly.value) + " in " + window_text(d.window) +
                  " against a baseline of " + num(d.anomaly.baseline);
  if (d.anomaly.ratio > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%.1fx)", d.anomaly.ratio);
    s += buf;
  }
  return s;
}

} // namespace

bool operator<(const cost_series& a, const cost_series& b) {
  return std::tie(a.tenant, a.metric, a.artifact_id) < std::tie(b.tenant, b.metric, b.artifact_id);
}

std::string cost_series_id(const cost_series& s) {
  if (s.artifact_id.empty())
    return s.metric;
  return s.metric + "{" + std::string(artifact_attribute) + "=" + s.artifact_id + "}";
}

std::string cost_anomaly_id(const std::string& series_id, timestamp window_start) {
  return series_id + "@" + std::to_string(window_start);
}

bool operator==(const cost_anomaly_detected& a, const cost_anomaly_detected& b) {
  const auto& x = a.anomaly;
  const auto& y = b.anomaly;
  return a.series == b.series && a.series_id == b.series_id && a.anomaly_id == b.anomaly_id &&
         x.window_start == y.window_start && x.value == y.value && x.baseline == y.baseline &&
         x.stddev == y.stddev && x.ratio == y.ratio && a.window == b.window &&
         a.detected_at == b.detected_at && a.handoff == b.handoff && a.threshold == b.threshold &&
         a.channel == b.channel;
}

severity cost_severity(const cost_anomaly_detected& d) {
  return d.handoff ? severity::high : severity::warning;
}

open_incident cost_incident(const cost_anomaly_detected& d) {
  open_incident o;
  o.tenant = d.series.tenant;
  o.title = "Cost anomaly: " + describe(d);
  o.sev = cost_severity(d);
  o.source = incident_source::cost;
  o.source_id = d.series_id;
  o.cat = category::cost;
  o.attr.artifact_id = d.series.artifact_id;
  o.by = "cost-detector";
  return o;
}

feedback_item cost_feedback(const cost_anomaly_detected& d) {
  feedback_item it;
  it.tenant = d.series.tenant;
  it.source = feedback_source::cost;
  it.source_id = d.anomaly_id;
  it.id = feedback_id(it.tenant, it.source, it.source_id);
  it.cat = category::cost;
  it.sent = sentiment::negative;
  it.summary = "cost anomaly: " + describe(d) + ", " + num(cost_anomaly_amount(d.anomaly)) +
               " above the baseline";
  it.artifact_id = d.series.artifact_id;
  it.created_at = d.detected_at;
  return it;
}

} // namespace tocsin::domain
