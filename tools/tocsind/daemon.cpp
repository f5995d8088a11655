#include "daemon.hpp"

#include "api/relay_metrics.hpp"
#include "api/self_metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tocsin::tocsind {
namespace {

// Prefixes a component's start-up error with its name, for the one log line main() prints.
domain::error failed(const char* what, domain::error err) {
  err.message = std::string("cannot ") + what + ": " + err.message;
  return err;
}

bool ok(const domain::error& err) { return err.code == domain::errc::ok; }

actors::cost_detector_options cost_options(const config::tocsin_config& cfg) {
  const auto& c = cfg.cost;
  actors::cost_detector_options o;
  o.metric = c.metric;
  o.window = static_cast<domain::duration>(c.window.count()) * domain::nanos_per_milli;
  o.detector = {c.alpha, c.deviation, c.min_ratio, c.min_volume, c.warmup, c.relearn_after};
  // The shards close a window `lateness` after its end, at their next tick, then hand it over.
  const domain::duration ticks = 10 * cfg.aggregation.tick.count() * domain::nanos_per_milli;
  o.settle = cfg.aggregation.windows.lateness + std::max(ticks, 2 * domain::nanos_per_second);
  return o;
}

} // namespace

daemon::daemon(persistence::store& st, const config::tocsin_config& cfg, caf::actor_system& sys,
               const domain::clock& clk)
    : st_(st), cfg_(cfg), sys_(sys), clk_(clk), feedback_topic_(st, "feedback"),
      governance_topic_(st, "governance") {}

domain::error daemon::start() {
  for (auto step : {&daemon::start_engine, &daemon::start_feedback_loop, &daemon::start_ingest,
                    &daemon::start_delivery, &daemon::start_endpoints})
    if (auto err = (this->*step)(); !ok(err))
      return err;
  return {};
}

domain::error daemon::start_engine() {
  actors::engine_options opts;
  opts.passivate_after = cfg_.passivate_after;
  engine_ = std::make_unique<actors::engine>(sys_, st_, clk_, opts);
  if (auto err = engine_->init_error(); !ok(err))
    return failed("load stored policies", err);
  if (auto err = engine_->apply_config_policies(cfg_.policies); !ok(err))
    return failed("apply config policies", err);
  for (const auto& [tenant, p] : engine_->policies().all())
    spdlog::info("policy for tenant {}: {} channel(s), {} step(s)", tenant, p->channels.size(),
                 p->steps.size());
  return {};
}

// Feedback items and quality scores, cost anomalies and governance hand-offs: they consume what
// the aggregation and the journal produce, so they start before the aggregation.
domain::error daemon::start_feedback_loop() {
  feedback_ = std::make_unique<actors::feedback_service>(sys_, st_, feedback_topic_, clk_);
  if (auto err = feedback_->start(); !ok(err))
    return failed("start the feedback service", err);
  if (cfg_.cost.enabled) {
    cost_ = std::make_unique<actors::cost_detector>(sys_, st_, clk_, engine_->router(),
                                                    engine_->policies(), feedback_->actor(),
                                                    governance_topic_, cost_options(cfg_));
    if (auto err = cost_->start(); !ok(err))
      return failed("start the cost detector", err);
  }
  slo_handoffs_ =
    std::make_unique<actors::slo_governance>(st_, engine_->policies(), governance_topic_);
  if (auto err = slo_handoffs_->start(); !ok(err))
    return failed("start the SLO-breach governance consumer", err);
  return {};
}

domain::error daemon::start_ingest() {
  actors::aggregation_options agg;
  agg.shards = cfg_.aggregation.shards; // 0: one per core
  agg.windows = cfg_.aggregation.windows;
  agg.tick = cfg_.aggregation.tick;
  agg.max_queued = cfg_.otlp.max_queued;
  agg.retry_after = cfg_.otlp.retry_after;
  agg.on_signals = [f = feedback_.get()](const std::string& tenant,
                                         std::vector<domain::span_record> spans,
                                         std::vector<domain::log_record> logs) {
    f->signals(tenant, std::move(spans), std::move(logs));
  };
  if (cost_) {
    agg.closed_window_metrics = cost_->metrics();
    agg.on_closed_window = cost_->hook();
  }
  aggregation_ = std::make_unique<actors::aggregation>(sys_, st_, clk_, agg);
  slos_ = std::make_unique<actors::slo_runtime>(
    sys_, st_, clk_, engine_->router(), *aggregation_,
    actors::slo_options{cfg_.slo.min_interval, cfg_.slo.evaluate_every, cfg_.slo.renotify});
  if (auto err = slos_->init_error(); !ok(err))
    return failed("load stored SLOs", err);
  if (auto err = slos_->apply_config(cfg_.slos); !ok(err))
    return failed("apply config SLOs", err);
  return {};
}

// Journal and topic consumers that push to webhooks.
domain::error daemon::start_delivery() {
  if (cfg_.notifier.enabled) {
    actors::notifier_options n;
    n.max_attempts = cfg_.notifier.max_attempts;
    n.backoff_base = cfg_.notifier.backoff_base;
    n.backoff_max = cfg_.notifier.backoff_max;
    n.attempt_timeout = cfg_.notifier.attempt_timeout;
    n.external_url = cfg_.notifier.external_url;
    notifier_ = std::make_unique<actors::notifier>(st_, engine_->policies(), n);
    if (auto err = notifier_->start(); !ok(err))
      return failed("start the notifier", err);
  }
  if (auto err = relays_.start(st_, feedback_topic_, governance_topic_, engine_->policies(), cfg_);
      !ok(err))
    return failed("start the topic relays", err);
  return {};
}

void daemon::register_metrics() {
  metric_regs_ = register_component_metrics(metrics_, *aggregation_, *feedback_, cost_.get(),
                                            *slo_handoffs_, *slos_);
  metric_regs_.push_back(api::register_store_metrics(metrics_, st_));
  metric_regs_.push_back(api::register_router_metrics(metrics_, sys_, engine_->router()));
  metric_regs_.push_back(api::register_relay_metrics(metrics_, relays_.all()));
}

// The network endpoints come last: they serve only once everything they call can answer.
domain::error daemon::start_endpoints() {
  register_metrics();
  if (cfg_.otlp.enabled) {
    api::otlp_receiver_options r;
    r.grpc_listen = cfg_.otlp.grpc_listen;
    r.http_listen = cfg_.otlp.http_listen;
    r.max_body = cfg_.otlp.max_body;
    r.require_known_tenant = cfg_.otlp.require_known_tenant;
    api::otlp_receiver_links links;
    links.tenant_known = [&p = engine_->policies()](const std::string& t) { return p.has(t); };
    links.metrics = &metrics_;
    links.health = api::router_health(sys_, engine_->router());
    if (auto err = receivers_.start(r, cfg_.api, *aggregation_, st_, clk_, std::move(links));
        !ok(err))
      return failed("start the OTLP receivers", err);
  }
  api::gateway_links links;
  links.policies = engine_->policy_manager();
  links.slos = slos_->manager();
  links.feedback = feedback_->actor();
  links.feedback_topic = &feedback_topic_;
  links.governance_topic = &governance_topic_;
  if (notifier_) // called on API threads until gateway_.stop(), which comes first in stop()
    links.delivery_stats = [n = notifier_.get()] { return n->stats(); };
  if (cfg_.otlp.enabled) // replays answer unavailable once the receivers stopped
    links.replay_dead_letter = receivers_.replayer();
  if (auto err = gateway_.start(cfg_.api, sys_, engine_->router(), st_, std::move(links));
      !ok(err))
    return failed("start the operator API", err);
  return {};
}

void daemon::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  receivers_.stop();
  gateway_.stop();
  if (slos_) // reads the shards and signals the router: before either
    slos_->stop();
  if (aggregation_) // after every caller (receivers, replays, SLOs); persists closed windows
    aggregation_->stop();
  if (cost_) // after the aggregation (its windows), before the feedback service and the engine
    cost_->stop();
  if (feedback_) // after the aggregation (signals) and the API, before the engine
    feedback_->stop();
  metric_regs_.clear();
  if (engine_)
    engine_->shutdown();
  // Journal and topic consumers last: what the engine journaled last is consumed now, or stays
  // behind their durable cursors for the next start.
  if (slo_handoffs_)
    slo_handoffs_->stop();
  if (notifier_)
    notifier_->stop();
  relays_.stop();
}

} // namespace tocsin::tocsind
