// Collectors of the engine's own state for /metrics and checks for /healthz: store counters and
// journal commit latency, incidents by tenant and state, router counters. tocsind registers them
// on its metrics_registry; each returned registration must be dropped before what it reads.
// Collectors run on an HTTP thread (see metrics_registry.hpp).
#pragma once

#include "api/metrics_registry.hpp"
#include "api/otlp_http.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>

namespace tocsin::api {

/// tocsin_store_*: commits, appends, events, refusals, index backlog, commit latency histogram;
/// tocsin_incidents{tenant,state}: a catalog scan, O(incidents), so cached for `incidents_ttl`.
[[nodiscard]] metrics_registry::registration
register_store_metrics(metrics_registry& reg, persistence::store& st,
                       std::chrono::milliseconds incidents_ttl = std::chrono::seconds{5});

/// tocsin_engine_*: the router's counters (asked with a 1 s timeout; absent if it does not answer).
[[nodiscard]] metrics_registry::registration
register_router_metrics(metrics_registry& reg, caf::actor_system& sys, caf::actor router);

/// /healthz: healthy while the router answers its stats within a second.
health_check router_health(caf::actor_system& sys, caf::actor router);

} // namespace tocsin::api
