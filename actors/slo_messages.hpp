// Message protocol of the SLO manager and its slo_actors (actors/slo_manager.hpp,
// actors/slo_actor.hpp), for the API bridge, tocsind and tests. All local-only types.
//
// Manager (replies to the requester; errors as caf::error from to_caf_error):
//   (slo_apply_atom, std::vector<domain::slo_definition>, std::string source, std::string yaml)
//        -> std::vector<persistence::stored_slo>   once every definition is durable; all or
//           nothing: one invalid definition refuses the request (invalid_argument, naming it).
//   (slo_get_atom, tenant, id)     -> persistence::stored_slo        (not_found)
//   (slo_list_atom, tenant)        -> std::vector<persistence::stored_slo>  ordered by id
//   (slo_delete_atom, tenant, id)  -> unit once durable              (not_found)
//   (slo_status_atom, tenant, id)  -> slo_status_view, from a fresh evaluation (not_found)
// slo_actor (one per SLO; the manager routes to it):
//   (series_updated_atom, domain::series_key)  from the aggregator shards: evaluate soon
//   (slo_status_atom)                          -> slo_status_view
//   (slo_define_atom, persistence::stored_slo) a new version of its definition
//   (slo_stop_atom)                            unwatch its series and quit
#pragma once

#include "domain/breach_tracker.hpp"
#include "domain/burn_rate.hpp"
#include "persistence/slo_codec.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::actors {

using slo_apply_atom = caf::atom_constant<caf::atom("slo_apply")>;
using slo_get_atom = caf::atom_constant<caf::atom("slo_get")>;
using slo_list_atom = caf::atom_constant<caf::atom("slo_list")>;
using slo_delete_atom = caf::atom_constant<caf::atom("slo_del")>;
using slo_status_atom = caf::atom_constant<caf::atom("slo_stat")>;
using slo_define_atom = caf::atom_constant<caf::atom("slo_def")>;
using slo_stop_atom = caf::atom_constant<caf::atom("slo_stop")>;
// Internal: evaluation timers, store callbacks.
using slo_eval_atom = caf::atom_constant<caf::atom("slo_eval")>;
using slo_tick_atom = caf::atom_constant<caf::atom("slo_tick")>;
using slo_written_atom = caf::atom_constant<caf::atom("slo_wrote")>;

/// What Status shows: the evaluation plus what the breach tracker remembers.
struct slo_status_view {
  persistence::stored_slo slo;
  domain::slo_status status;
  domain::breach_state breach;     // held while stale (an unknown verdict changes nothing)
  std::string incident_id;         // the incident the last breach opened; may be resolved since
};

/// Counters of every slo_actor of one runtime, for /metrics. Lock-free; read from any thread.
struct slo_counters {
  std::atomic<std::uint64_t> evaluations{0};
  std::atomic<std::uint64_t> stale_evaluations{0};
  std::atomic<std::uint64_t> breaches{0};
  std::atomic<std::uint64_t> repeats{0};
  std::atomic<std::uint64_t> recoveries{0};
  std::atomic<std::uint64_t> signal_failures{0}; // opens the router refused (retried)
  std::atomic<std::uint64_t> query_failures{0};  // shard queries that failed or timed out
  std::atomic<std::uint64_t> active{0};          // SLOs being evaluated
};

} // namespace tocsin::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::slo_definition)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tocsin::domain::slo_definition>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::persistence::stored_slo)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tocsin::persistence::stored_slo>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::slo_status_view)
