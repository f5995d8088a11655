// Internals of the slo_actor shared by its translation units (slo_actor.cpp: scheduling and
// evaluation; slo_signals.cpp: breach edges to the incident router). Only actors/slo_*.cpp
// include this; everything runs inside the owning slo_actor.
#pragma once

#include "actors/aggregation_messages.hpp"
#include "actors/slo_actor.hpp"

#include <map>
#include <tuple>

namespace tocsin::actors::slo_detail {

using self_ptr = caf::stateful_actor<slo_actor_state>*;

/// domain::series_query over the shards' answers to one evaluation's range requests. A range
/// nobody answered (shard down, timeout) is unknown and incomplete, so the verdict goes stale.
class reply_query final : public domain::series_query {
public:
  void put(const range_request& r, domain::range_sum s) {
    sums_[std::make_tuple(r.key, r.from, r.to)] = std::move(s);
  }
  domain::range_sum sum(const domain::series_key& key, domain::timestamp from,
                        domain::timestamp to) const override;

private:
  std::map<std::tuple<domain::series_key, domain::timestamp, domain::timestamp>,
           domain::range_sum>
    sums_;
};

/// The distinct series of the SLO's ratio.
std::vector<domain::series_key> series_of(const domain::slo_definition& d);

/// Handles one edge of the breach tracker; `before` is the tracker state prior to it (restored
/// when the router refuses the open, so that the next evaluation tries again).
void on_signal(self_ptr self, const domain::breach_signal& sig, const domain::breach_state& before);

/// Writes the tracker state and incident id (fire and forget; failures are logged).
void persist_state(self_ptr self);

} // namespace tocsin::actors::slo_detail
