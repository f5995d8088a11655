// Message protocol of the aggregator shards (actors/aggregation.hpp) as seen by their readers,
// the slo_actors. Shards own every window_store; readers never touch one directly.
//
//   (series_query_atom, std::vector<range_request>)  -> std::vector<domain::range_sum>
//       one answer per request, same order; a series the shard has never seen (nor restored
//       from LMDB) answers range_sum{known = false}.
//   (watch_series_atom, domain::series_key, caf::actor watcher)    -> unit
//   (unwatch_series_atom, domain::series_key, caf::actor watcher)  -> unit
//       after watch, the shard sends (series_updated_atom, domain::series_key) to the watcher
//       whenever it folded new data into that series (at most once per ingested batch), so
//       SLOs are evaluated as data arrives rather than at window boundaries.
#pragma once

#include "domain/series.hpp"
#include "domain/window.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <vector>

namespace tocsin::actors {

using series_query_atom = caf::atom_constant<caf::atom("sq_query")>;
using watch_series_atom = caf::atom_constant<caf::atom("sq_watch")>;
using unwatch_series_atom = caf::atom_constant<caf::atom("sq_unwatch")>;
using series_updated_atom = caf::atom_constant<caf::atom("sq_update")>;

struct range_request {
  domain::series_key key;
  domain::timestamp from = 0;
  domain::timestamp to = 0;
};

} // namespace tocsin::actors

// Local only: shards and SLO actors live in one process (clustering will encode these).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::range_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tocsin::actors::range_request>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::series_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::range_sum)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tocsin::domain::range_sum>)
