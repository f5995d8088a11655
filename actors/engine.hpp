// The engine: spawns the incident router on a store and offers blocking helpers for tools and
// tests. Owned by tocsind (one per process) or a test; not thread-safe itself, but the router
// handle it exposes may be used from anywhere.
#pragma once

#include "actors/messages.hpp"
#include "actors/policy_registry.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>

#include <chrono>
#include <cstdint>

namespace tocsin::actors {

struct engine_options {
  /// An incident actor idle this long asks the router to passivate it.
  std::chrono::milliseconds passivate_after{60'000};
  /// Seed of the id generator; 0 = seeded from std::random_device.
  std::uint64_t id_seed = 0;
  /// How often the wake-up service looks for due deadlines; 0 = no wake-up service.
  std::chrono::milliseconds deadline_tick{10};
};

class engine {
public:
  /// `clk` and `st` must outlive the engine.
  engine(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
         engine_options opts = {});
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  const caf::actor& router() const { return router_; }
  /// Tenant policies as incident actors see them (publish with put after persisting).
  policy_registry& policies() { return policies_; }
  /// Routes policy applies and gets to the tenants' policy actors (see policy_actor.hpp).
  const caf::actor& policy_manager() const { return policy_manager_; }
  /// Set when stored policies could not be loaded at construction (the engine then runs on
  /// default policies; tocsind refuses to start).
  const domain::error& init_error() const { return init_error_; }

  // Blocking helpers (scoped_actor request/receive); never call them from inside an actor.
  domain::result<command_reply> open(domain::open_incident cmd);
  domain::result<command_reply> execute(const std::string& id, domain::incident_command cmd,
                                        std::uint64_t expected_version = 0);
  domain::result<incident_view> get(const std::string& id);
  router_stats stats();
  /// Validates, persists and publishes a tenant policy (source "api" or "config").
  domain::error apply_policy(domain::tenant_policy p, const std::string& source);
  domain::result<domain::tenant_policy> get_policy(const std::string& tenant);
  /// Applies each config-file policy whose file changed since the last start (or that is new),
  /// so a policy applied through the API keeps winning over an unchanged file.
  domain::error apply_config_policies(const std::vector<domain::tenant_policy>& from_config);

  /// Stops the router and every incident actor after their in-flight appends complete.
  void shutdown();

private:
  caf::actor_system& sys_;
  persistence::store& store_;
  policy_registry policies_;
  domain::error init_error_;
  caf::actor router_;
  caf::actor waker_;
  caf::actor policy_manager_;
};

/// Registers Tocsin's message types and picks CAF's scheduler: "sharing" (default: one queue
/// and a condition variable; idle workers sleep, which leaves this 2-core machine's CPU to
/// gRPC and the journal writer — measured faster than work stealing here) or "stealing".
void prepare_system_config(caf::actor_system_config& cfg, const std::string& scheduler = "sharing");

/// Wall clock for production use (domain::clock over std::chrono::system_clock).
class system_clock final : public domain::clock {
public:
  domain::timestamp now() const override;
};

} // namespace tocsin::actors
