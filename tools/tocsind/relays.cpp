#include "relays.hpp"

#include "actors/relay_routes.hpp"

#include <spdlog/spdlog.h>

namespace tocsin::tocsind {

domain::error relays::start(persistence::store& st, persistence::topic_log& feedback,
                            persistence::topic_log& governance_topic,
                            const actors::policy_registry& policies,
                            const config::tocsin_config& cfg) {
  const auto& kp = cfg.knowledge_platform;
  if (!kp.url.empty()) {
    actors::topic_relay_options o;
    o.consumer = "kp-relay";
    o.backoff_base = kp.backoff_base;
    o.backoff_max = kp.backoff_max;
    o.attempt_timeout = kp.timeout;
    knowledge_platform = std::make_unique<actors::topic_relay>(
      st, feedback, actors::feedback_render(),
      actors::fixed_target(kp.url, kp.secret, "knowledge_platform"), o);
    if (auto err = knowledge_platform->start(); err.code != domain::errc::ok) {
      knowledge_platform.reset();
      return err;
    }
    // Not the URL: it may carry a token.
    spdlog::info("Knowledge Platform relay started (feedback topic{})",
                 kp.secret.empty() ? "" : ", signed");
  }
  if (cfg.notifier.enabled) {
    actors::topic_relay_options o;
    o.consumer = "governance-relay";
    o.backoff_base = cfg.notifier.backoff_base;
    o.backoff_max = cfg.notifier.backoff_max;
    o.attempt_timeout = cfg.notifier.attempt_timeout;
    governance = std::make_unique<actors::topic_relay>(st, governance_topic,
                                                       actors::governance_render(),
                                                       actors::governance_target(policies), o);
    if (auto err = governance->start(); err.code != domain::errc::ok) {
      governance.reset();
      stop();
      return err;
    }
  }
  return {};
}

void relays::stop() {
  if (knowledge_platform)
    knowledge_platform->stop();
  if (governance)
    governance->stop();
}

} // namespace tocsin::tocsind
