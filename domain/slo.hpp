// SLO definitions (the OpenSLO v1 subset Tocsin runs: ratio metric, Occurrences budgeting,
// rolling window, burn-rate alert conditions), their validation, and the ratio math: SLI, burn
// rate, error budget. Pure, thread-safe; evaluated by each slo_actor (see burn_rate.hpp),
// loaded by config/openslo_yaml, shown by the API.
#pragma once

#include "domain/error.hpp"
#include "domain/incident_types.hpp"
#include "domain/series.hpp"
#include "domain/window.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::domain {

/// What to count in a series' windows.
///  count:  spans (calls), metric points, log records
///  errors: spans with status ERROR
///  ok:     count - errors
///  sum:    sum of metric values (delta sums; cumulative ones converted, see temporality.hpp)
enum class measure : std::uint8_t { count, errors, ok, sum };
std::string_view to_string(measure m);
std::optional<measure> parse_measure(std::string_view s);

/// One series and what to count in it. A selector names exactly one series.
struct series_selector {
  series_key key;
  measure what = measure::count;
  friend bool operator==(const series_selector& a, const series_selector& b) {
    return a.key == b.key && a.what == b.what;
  }
};

/// good/total or bad/total (exactly one of good and bad).
struct ratio_metric {
  std::optional<series_selector> good;
  std::optional<series_selector> bad;
  series_selector total;
  friend bool operator==(const ratio_metric& a, const ratio_metric& b) {
    return a.good == b.good && a.bad == b.bad && a.total == b.total;
  }
};

/// Fires when the burn rate over BOTH windows is >= threshold (multi-window, multi-burn-rate).
struct alert_condition {
  std::string name;
  domain::severity severity = domain::severity::high;
  duration long_window = 0;
  duration short_window = 0;
  double threshold = 0;
  friend bool operator==(const alert_condition& a, const alert_condition& b) {
    return a.name == b.name && a.severity == b.severity && a.long_window == b.long_window
           && a.short_window == b.short_window && a.threshold == b.threshold;
  }
};

enum class budgeting_method : std::uint8_t { occurrences };

struct slo_definition {
  std::string id;       // unique per tenant; the source_id of the incidents it opens
  std::string tenant;
  std::string name;
  std::string service;
  std::string description;
  ratio_metric ratio;
  double target = 0.999;                       // objective, in (0, 1)
  duration window = 28 * 86400 * nanos_per_second; // rolling
  budgeting_method budgeting = budgeting_method::occurrences;
  std::vector<alert_condition> conditions;     // empty: default_conditions()
  /// Evaluation is stale when the series' closed windows end before now - this.
  duration allowed_staleness = 30 * nanos_per_second;
  friend bool operator==(const slo_definition& a, const slo_definition& b);
};

/// DESIGN.md §5: page 14.4x over 1h & 5m, page 6x over 6h & 30m (both high), ticket 3x over
/// 1d & 2h, ticket 1x over 3d & 6h (both warning).
std::vector<alert_condition> default_conditions();

/// The conditions actually evaluated: the definition's, or the defaults.
const std::vector<alert_condition>& effective_conditions(const slo_definition& d);

/// Default severity of an OpenSLO AlertPolicy severity word: page -> high, ticket -> warning;
/// the incident severities themselves are accepted too.
std::optional<domain::severity> parse_alert_severity(std::string_view s);

/// invalid_argument naming the field at fault ("target: must be in (0, 1)",
/// "conditions[1].short_window: must be shorter than long_window"), or ok.
error validate(const slo_definition& d);

/// Read access to aggregated series, for evaluation. Implementations: store_query over local
/// window_stores; the slo_actor's view of shard replies.
class series_query {
public:
  virtual ~series_query() = default;
  virtual range_sum sum(const series_key& key, timestamp from, timestamp to) const = 0;
};

/// series_query over window_stores the caller keeps alive; an absent series is unknown.
class store_query final : public series_query {
public:
  void add(const series_key& key, const window_store& store) { stores_[key] = &store; }
  range_sum sum(const series_key& key, timestamp from, timestamp to) const override;

private:
  std::map<series_key, const window_store*> stores_;
};

/// Good, bad and total occurrences over [from, to), with what the windows say about coverage.
struct ratio_counts {
  double good = 0;
  double bad = 0;
  double total = 0;
  bool complete = true;  // every series covered the range (no gap, nothing dropped)
  bool known = true;     // every series has been seen at least once
  timestamp closed_until = std::numeric_limits<timestamp>::min(); // min over the series
  std::vector<exemplar> exemplars; // of the bad series (or of total when good/total)
};

double quantity(const window_value& v, measure m);
ratio_counts count_ratio(const ratio_metric& r, const series_query& q, timestamp from,
                         timestamp to, std::size_t max_exemplars = max_exemplars);

/// good / total; nullopt when total is 0 (no traffic says nothing about the objective).
std::optional<double> sli(const ratio_counts& c);
/// (bad / total) / (1 - target); 0 when total is 0.
double burn_rate(double bad, double total, double target);
/// 1 - (bad / total) / (1 - target): 1 untouched, 0 spent, negative overspent (unclamped).
double budget_remaining(double bad, double total, double target);

} // namespace tocsin::domain
