// The SLO manager: owns the tenant SLO definitions, makes a new or changed definition durable
// in the definitions DB ("slo/<tenant>/<id>") before it takes effect, and keeps one slo_actor
// per SLO running. Spawned by slo_runtime; protocol in actors/slo_messages.hpp.
#pragma once

#include "actors/slo_actor.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::actors {

using slo_ref = std::pair<std::string, std::string>; // (tenant, id)

struct slo_manager_state {
  slo_actor_config actor_cfg;
  struct entry {
    persistence::stored_slo slo;
    caf::actor actor;
    bool deleting = false; // its actor is stopping; the erase is written once it is gone
  };
  std::map<slo_ref, entry> slos;
  /// Deletes waiting for their slo_actor to terminate (so it cannot write its state after the
  /// erase), by the actor's address.
  std::map<caf::actor_addr, std::pair<slo_ref, caf::response_promise>> stopping;
  struct pending_write {
    std::vector<persistence::stored_slo> applied; // empty for a delete
    slo_ref deleted;
    caf::response_promise promise;
  };
  std::deque<pending_write> writing; // answered in order: the store commits writes in order
  static const char* name;
};

/// Starts with the SLOs stored at start-up and their breach states.
caf::behavior slo_manager(caf::stateful_actor<slo_manager_state>* self, slo_actor_config cfg,
                          std::vector<persistence::stored_slo> stored,
                          std::map<slo_ref, persistence::stored_slo_state> states);

/// invalid_argument naming the definition and field at fault, or ok: domain::validate plus
/// what keys need (no '/' in tenant or id) and unique ids within one request. Pure.
domain::error validate_batch(const std::vector<domain::slo_definition>& defs);

} // namespace tocsin::actors
