// The slo_runtime constructor over the aggregator shards (kept apart so that the SLO actors
// depend on the aggregation only through shard_locator).
#include "actors/aggregation.hpp"
#include "actors/slo_runtime.hpp"

namespace tocsin::actors {

slo_runtime::slo_runtime(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
                         caf::actor router, aggregation& agg, slo_options opts)
  : slo_runtime(sys, st, clk, std::move(router),
                [&agg](const domain::series_key& k) { return agg.shard_for(k); }, opts) {}

} // namespace tocsin::actors
