// /metrics for the topic relays (actors/topic_relay.hpp): tocsin_relay_* per topic and consumer.
// Registered by tocsind; the relays must outlive the registration.
#pragma once

#include "actors/topic_relay.hpp"
#include "api/metrics_registry.hpp"

#include <vector>

namespace tocsin::api {

/// tocsin_relay_{delivered,attempts,failures,dead_lettered}_total and tocsin_relay_backlog,
/// labelled {topic, consumer}; null entries are skipped.
[[nodiscard]] metrics_registry::registration
register_relay_metrics(metrics_registry& reg, std::vector<const actors::topic_relay*> relays);

} // namespace tocsin::api
