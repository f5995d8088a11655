// Every component tocsind runs, started in dependency order and stopped in the one order that
// lets each finish what the others hand it (receivers and API first, journal consumers last).
// Used by main() only: construct, start(), wait for a signal, stop() (the destructor stops too).
// Not thread-safe; the store, config, actor system and clock must outlive it.
#pragma once

#include "actors/aggregation.hpp"
#include "actors/cost_detector.hpp"
#include "actors/engine.hpp"
#include "actors/feedback.hpp"
#include "actors/notifier.hpp"
#include "actors/slo_governance.hpp"
#include "actors/slo_runtime.hpp"
#include "api/gateway.hpp"
#include "api/metrics_registry.hpp"
#include "api/otlp_receivers.hpp"
#include "config/config.hpp"
#include "persistence/topic_log.hpp"
#include "relays.hpp"

#include <memory>
#include <vector>

namespace tocsin::tocsind {

class daemon {
public:
  daemon(persistence::store& st, const config::tocsin_config& cfg, caf::actor_system& sys,
         const domain::clock& clk);
  ~daemon() { stop(); }
  daemon(const daemon&) = delete;
  daemon& operator=(const daemon&) = delete;

  /// Starts everything; the error names the component that failed (what started is stopped by
  /// stop() or the destructor).
  domain::error start();
  /// Idempotent.
  void stop();

private:
  domain::error start_engine();
  domain::error start_feedback_loop();
  domain::error start_ingest();
  domain::error start_delivery();
  domain::error start_endpoints();
  void register_metrics();

  persistence::store& st_;
  const config::tocsin_config& cfg_;
  caf::actor_system& sys_;
  const domain::clock& clk_;

  std::unique_ptr<actors::engine> engine_;
  persistence::topic_log feedback_topic_;
  persistence::topic_log governance_topic_;
  std::unique_ptr<actors::feedback_service> feedback_;
  std::unique_ptr<actors::cost_detector> cost_;
  std::unique_ptr<actors::slo_governance> slo_handoffs_;
  std::unique_ptr<actors::aggregation> aggregation_;
  std::unique_ptr<actors::slo_runtime> slos_;
  std::unique_ptr<actors::notifier> notifier_;
  relays relays_;
  api::metrics_registry metrics_;
  std::vector<api::metrics_registry::registration> metric_regs_;
  api::otlp_receivers receivers_;
  api::gateway gateway_;
  bool stopped_ = false;
};

/// /metrics collectors of the aggregation, feedback, cost and SLO components (tocsind only).
std::vector<api::metrics_registry::registration>
register_component_metrics(api::metrics_registry& m, const actors::aggregation& agg,
                           const actors::feedback_service& feedback,
                           const actors::cost_detector* cost,
                           const actors::slo_governance& slo_handoffs,
                           const actors::slo_runtime& slos);

} // namespace tocsin::tocsind
