// tocsind's two topic relays (actors/topic_relay.hpp): `feedback` to the Knowledge Platform
// (when knowledge_platform.url is set) and `governance` to each tenant's governance channel
// (with the notifier's retry settings, when the notifier is enabled). Used by main() only.
#pragma once

#include "actors/policy_registry.hpp"
#include "actors/topic_relay.hpp"
#include "config/config.hpp"
#include "persistence/topic_log.hpp"

#include <memory>
#include <vector>

namespace tocsin::tocsind {

struct relays {
  std::unique_ptr<actors::topic_relay> knowledge_platform;
  std::unique_ptr<actors::topic_relay> governance;

  /// Builds and starts the configured relays; on an error none keeps running.
  domain::error start(persistence::store& st, persistence::topic_log& feedback,
                      persistence::topic_log& governance_topic,
                      const actors::policy_registry& policies, const config::tocsin_config& cfg);
  /// Idempotent; what is not delivered stays behind the cursors for the next start.
  void stop();
  std::vector<const actors::topic_relay*> all() const {
    return {knowledge_platform.get(), governance.get()};
  }
};

} // namespace tocsin::tocsind
