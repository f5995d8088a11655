// Cost series and what a cost anomaly on one becomes (DESIGN.md §7): the CostAnomalyDetected
// value, the cost incident opened through the router, and the feedback item. Pure; used by the
// cost detector actor (actors/cost_detector.hpp), which owns the series.
//
// A cost series is a tenant's total of one cost metric (summed over every series of that metric
// name) or one artifact's share of it (the series whose `artifact.id` attribute names it).
// Series id: "<metric>" for the total, "<metric>{artifact.id=<id>}" for an artifact. The id is
// the incident's source_id, so a new anomaly while the series' incident is open folds into it;
// the anomaly id "<series id>@<window start ns>" is the feedback item's source_id.
#pragma once

#include "domain/cost_anomaly.hpp"
#include "domain/feedback.hpp"
#include "domain/incident_commands.hpp"
#include "domain/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::domain {

inline constexpr std::string_view artifact_attribute = "artifact.id";

struct cost_series {
  std::string tenant;
  std::string metric;
  std::string artifact_id; // empty: the tenant's total
  friend bool operator==(const cost_series& a, const cost_series& b) {
    return a.tenant == b.tenant && a.metric == b.metric && a.artifact_id == b.artifact_id;
  }
  friend bool operator<(const cost_series& a, const cost_series& b);
};

std::string cost_series_id(const cost_series& s);
std::string cost_anomaly_id(const std::string& series_id, timestamp window_start);

/// CostAnomalyDetected: everything a restart needs to finish acting on it identically.
struct cost_anomaly_detected {
  cost_series series;
  std::string series_id;     // cost_series_id(series)
  std::string anomaly_id;    // cost_anomaly_id(series_id, anomaly.window_start)
  cost_anomaly anomaly;
  std::int64_t window = 0;   // detector window length, nanoseconds
  timestamp detected_at = 0;
  bool handoff = false;      // above the tenant's governance threshold at detection
  double threshold = 0;      // governance.cost_anomaly_above at detection
  std::string channel;       // governance.channel at detection
  friend bool operator==(const cost_anomaly_detected& a, const cost_anomaly_detected& b);
};

/// Severity of a cost incident: high when the anomaly goes to governance (its amount is above
/// the tenant's threshold), else warning.
severity cost_severity(const cost_anomaly_detected& d);

/// The cost incident: source cost, source_id = series id, category cost, attribution = the
/// series' artifact, title with the amount and the baseline.
open_incident cost_incident(const cost_anomaly_detected& d);

/// The feedback item: source cost, source_id = anomaly id, category cost, negative,
/// attributed to the series' artifact, created at detection.
feedback_item cost_feedback(const cost_anomaly_detected& d);

} // namespace tocsin::domain
