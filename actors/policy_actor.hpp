// One policy_actor per tenant owns its escalation policy: it validates a new version, makes it
// durable in the definitions DB and only then publishes it to the policy registry that incident
// actors and the notifier read. The policy manager spawns them on demand and routes to them.
// Spawned by the engine.
#pragma once

#include "actors/messages.hpp"
#include "actors/policy_registry.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <string>
#include <vector>

namespace tocsin::actors {

struct policy_actor_config {
  persistence::store* store = nullptr;
  policy_registry* registry = nullptr;
  const domain::clock* clock = nullptr;
};

struct policy_actor_state {
  policy_actor_config cfg;
  std::string tenant;
  struct pending_write {
    domain::tenant_policy policy;
    caf::response_promise promise;
  };
  std::vector<pending_write> writing; // answered in order: the store commits writes in order
  static const char* name;
};

caf::behavior policy_actor(caf::stateful_actor<policy_actor_state>* self, std::string tenant,
                           policy_actor_config cfg);

struct policy_manager_state {
  policy_actor_config cfg;
  std::map<std::string, caf::actor> by_tenant;
  static const char* name;
};

/// Routes (policy_apply_atom, policy, source) and (policy_get_atom, tenant) to the tenant's actor.
caf::behavior policy_manager(caf::stateful_actor<policy_manager_state>* self,
                             policy_actor_config cfg);

/// Publishes every stored policy to the registry (engine start-up; bounded by the tenants).
domain::error load_stored_policies(persistence::store& st, policy_registry& registry);

} // namespace tocsin::actors
