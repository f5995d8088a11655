#include "domain/governance.hpp"

#include "domain/stable_hash.hpp"

#include <algorithm>
#include <cstdio>

namespace tocsin::domain {
namespace {

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string duration_text(duration d) {
  const duration s = d / nanos_per_second;
  if (s > 0 && s % 3600 == 0)
    return std::to_string(s / 3600) + "h";
  if (s > 0 && s % 60 == 0)
    return std::to_string(s / 60) + "m";
  if (d % nanos_per_second == 0)
    return std::to_string(s) + "s";
  return std::to_string(d / nanos_per_milli) + "ms";
}

} // namespace

bool operator==(const governance_handoff& a, const governance_handoff& b) {
  return a.id == b.id && a.tenant == b.tenant && a.kind == b.kind && a.subject == b.subject
         && a.summary == b.summary && a.amount == b.amount && a.threshold == b.threshold
         && a.incident_id == b.incident_id && a.channel == b.channel
         && a.window_start == b.window_start && a.at == b.at;
}

std::string handoff_id(std::string_view tenant, std::string_view kind, std::string_view subject,
                       timestamp window_start) {
  std::string bytes;
  bytes.reserve(tenant.size() + kind.size() + subject.size() + 24);
  bytes.append(tenant).push_back('\0');
  bytes.append(kind).push_back('\0');
  bytes.append(subject).push_back('\0');
  bytes += std::to_string(window_start);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  return std::string("gov-") + hex;
}

double cost_anomaly_amount(const cost_anomaly& a) { return std::max(0.0, a.value - a.baseline); }

bool cost_handoff_due(const governance_thresholds& g, const cost_anomaly& a) {
  return g.cost_anomaly_above > 0 && cost_anomaly_amount(a) > g.cost_anomaly_above;
}

governance_handoff make_cost_handoff(const std::string& tenant, const std::string& series_id,
                                     const cost_anomaly& a, double threshold,
                                     const std::string& channel, const std::string& incident_id,
                                     timestamp at) {
  governance_handoff h;
  h.kind = std::string(handoff_cost_anomaly);
  h.id = handoff_id(tenant, h.kind, series_id, a.window_start);
  h.tenant = tenant;
  h.subject = series_id;
  h.amount = cost_anomaly_amount(a);
  h.threshold = threshold;
  h.summary = "cost anomaly on " + series_id + ": " + fixed2(a.value) + " against a baseline of " +
              fixed2(a.baseline) + " (" + fixed2(h.amount) + " above it; governance threshold " +
              fixed2(threshold) + ")";
  h.incident_id = incident_id;
  h.channel = channel;
  h.window_start = a.window_start;
  h.at = at;
  return h;
}

std::optional<breach_window> count_breach(breach_count_state& s, const governance_thresholds& g,
                                          timestamp at) {
  if (g.slo_breaches == 0 || g.slo_breach_period <= 0)
    return std::nullopt;
  auto& b = s.breaches;
  b.insert(std::upper_bound(b.begin(), b.end(), at), at);
  const timestamp newest = b.back();
  b.erase(b.begin(), std::upper_bound(b.begin(), b.end(), newest - g.slo_breach_period));
  if (b.size() > g.slo_breaches) // only the newest N can ever count
    b.erase(b.begin(), b.end() - g.slo_breaches);
  if (b.size() < g.slo_breaches)
    return std::nullopt;
  if (s.last_handoff != 0 && newest < s.last_handoff + g.slo_breach_period)
    return std::nullopt; // one hand-off per period; the breaches keep counting
  breach_window w{b.front(), newest, static_cast<std::uint32_t>(b.size())};
  b.clear();
  s.last_handoff = newest;
  return w;
}

governance_handoff make_slo_handoff(const std::string& tenant, const std::string& slo_id,
                                    const breach_window& w, const governance_thresholds& g,
                                    const std::string& incident_id) {
  governance_handoff h;
  h.kind = std::string(handoff_slo_breaches);
  h.id = handoff_id(tenant, h.kind, slo_id, w.first);
  h.tenant = tenant;
  h.subject = slo_id;
  h.amount = w.breaches;
  h.threshold = g.slo_breaches;
  h.summary = "SLO " + slo_id + " breached " + std::to_string(w.breaches) + " times within " +
              duration_text(g.slo_breach_period);
  h.incident_id = incident_id;
  h.channel = g.channel;
  h.window_start = w.first;
  h.at = w.last;
  return h;
}

} // namespace tocsin::domain
