// /metrics collectors of tocsind's components. Each reads a stats() snapshot (thread-safe) and
// writes it as Prometheus counters and gauges; the components outlive the registrations.
#include "daemon.hpp"

namespace tocsin::tocsind {
namespace {

double d(std::uint64_t v) { return static_cast<double>(v); }

void aggregation_metrics(api::metric_writer& w, const actors::aggregation_stats& s) {
  w.counter("aggregation_spans_total", "Spans accepted for aggregation", d(s.spans));
  w.counter("aggregation_points_total", "Metric points accepted for aggregation", d(s.points));
  w.counter("aggregation_log_records_total", "Log records accepted for aggregation", d(s.records));
  w.counter("aggregation_rejected_total", "Items refused (unsupported)", d(s.rejected));
  w.counter("aggregation_late_total", "Items later than the allowed lateness, dropped", d(s.late));
  w.counter("aggregation_windows_closed_total", "Windows closed", d(s.windows_closed));
  w.counter("aggregation_windows_persisted_total", "Closed windows persisted",
            d(s.windows_persisted));
  w.gauge("aggregation_series", "Series held by the aggregator shards", d(s.series));
  w.gauge("aggregation_queued", "Items handed to shards, not yet folded", d(s.queued));
  w.counter("aggregation_overloaded_total", "Requests refused as overloaded", d(s.overloaded));
}

void slo_metrics(api::metric_writer& w, const actors::slo_stats& s) {
  w.counter("slo_evaluations_total", "SLO evaluations", d(s.evaluations));
  w.counter("slo_stale_evaluations_total", "SLO evaluations marked stale", d(s.stale_evaluations));
  w.counter("slo_breaches_total", "SLO breaches signalled (healthy to breaching)", d(s.breaches));
  w.counter("slo_repeats_total", "Repeats of ongoing breaches signalled", d(s.repeats));
  w.counter("slo_recoveries_total", "SLO recoveries recorded", d(s.recoveries));
  w.counter("slo_signal_failures_total", "Breach signals the router refused", d(s.signal_failures));
  w.counter("slo_query_failures_total", "Shard queries that failed", d(s.query_failures));
  w.gauge("slo_active", "SLOs being evaluated", d(s.active));
}

void feedback_metrics(api::metric_writer& w, const actors::feedback_stats& s) {
  w.counter("feedback_items_created_total", "Feedback items appended", d(s.created));
  w.counter("feedback_duplicates_total", "Feedback items already in the topic", d(s.duplicates));
  w.counter("feedback_failed_total", "Feedback appends refused", d(s.failed));
  w.counter("feedback_signals_total", "Spans and log records with feedback.category",
            d(s.signals));
  w.counter("feedback_invalid_signals_total", "Runtime signals with invalid feedback words",
            d(s.invalid_signals));
  w.counter("feedback_error_spans_total", "Error spans of artifacts folded", d(s.error_spans));
  w.counter("feedback_folds_total", "Folded error windows emitted as items", d(s.folds));
  w.counter("feedback_resolved_total", "IncidentResolved events turned into items", d(s.resolved));
  w.counter("feedback_quality_updates_total", "Quality scores recomputed", d(s.quality_updates));
}

void cost_metrics(api::metric_writer& w, const actors::cost_detector_stats& s) {
  w.counter("cost_windows_total", "Closed cost-metric windows received", d(s.windows));
  w.counter("cost_late_windows_total", "Cost windows too late for their detector window",
            d(s.late));
  w.counter("cost_detector_windows_total", "Detector windows evaluated", d(s.observed));
  w.counter("cost_anomalies_total", "Cost anomalies detected", d(s.anomalies));
  w.counter("cost_incidents_total", "Cost incidents opened or folded into", d(s.incidents));
  w.counter("cost_feedback_items_total", "Feedback items made durable for cost anomalies",
            d(s.feedback));
  w.counter("governance_cost_handoffs_total", "Governance hand-offs for cost anomalies",
            d(s.handoffs));
  w.counter("cost_failures_total", "Cost detector steps failed and retried", d(s.failures));
  w.gauge("cost_pending_anomalies", "Cost anomalies not fully acted on", d(s.pending));
  w.gauge("cost_series", "Cost series tracked", d(s.series));
}

} // namespace

std::vector<api::metrics_registry::registration>
register_component_metrics(api::metrics_registry& m, const actors::aggregation& agg,
                           const actors::feedback_service& feedback,
                           const actors::cost_detector* cost,
                           const actors::slo_governance& slo_handoffs,
                           const actors::slo_runtime& slos) {
  std::vector<api::metrics_registry::registration> regs;
  regs.push_back(
    m.add("aggregation", [&agg](api::metric_writer& w) { aggregation_metrics(w, agg.stats()); }));
  regs.push_back(m.add("slo", [&slos](api::metric_writer& w) { slo_metrics(w, slos.stats()); }));
  regs.push_back(m.add("feedback", [&feedback](api::metric_writer& w) {
    feedback_metrics(w, feedback.stats());
  }));
  regs.push_back(m.add("governance", [&slo_handoffs](api::metric_writer& w) {
    const auto g = slo_handoffs.stats();
    w.counter("governance_slo_breaches_total", "SLO incident opens and repeats counted",
              d(g.breaches));
    w.counter("governance_slo_handoffs_total", "Governance hand-offs for repeated SLO breaches",
              d(g.handoffs));
  }));
  if (cost)
    regs.push_back(m.add("cost", [cost](api::metric_writer& w) { cost_metrics(w, cost->stats()); }));
  return regs;
}

} // namespace tocsin::tocsind
