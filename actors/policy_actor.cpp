// Policy actors and their manager: see policy_actor.hpp.
#include "actors/policy_actor.hpp"

#include "persistence/policy_codec.hpp"
#include "persistence/scan_all.hpp"

#include <caf/all.hpp>

namespace tocsin::actors {

const char* policy_actor_state::name = "policy_actor";
const char* policy_manager_state::name = "policy_manager";

namespace {

void apply_policy(caf::stateful_actor<policy_actor_state>* self, domain::tenant_policy& p,
                  const std::string& source) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  if (p.tenant != st.tenant) {
    rp.deliver(to_caf_error(domain::make_error(
      domain::errc::invalid_argument,
      "tenant: the policy names '" + p.tenant + "' but was applied to '" + st.tenant + "'")));
    return;
  }
  if (auto err = domain::validate(p); err.code != domain::errc::ok) {
    rp.deliver(to_caf_error(err));
    return;
  }
  persistence::stored_policy stored{p, source, st.cfg.clock->now()};
  std::vector<persistence::kv_op> ops{{persistence::kv_db::definitions, persistence::kv_op::put,
                                       persistence::policy_key(st.tenant),
                                       persistence::encode_policy(stored)}};
  if (source == "config") // remembered so that a later start can tell whether the file changed
    ops.push_back({persistence::kv_db::definitions, persistence::kv_op::put,
                   persistence::config_policy_key(st.tenant), ops.front().value});
  st.writing.push_back({std::move(p), std::move(rp)});
  auto handle = caf::actor_cast<caf::actor>(self);
  st.cfg.store->write(std::move(ops), [handle](domain::error err) {
    caf::anon_send(handle, policy_written_atom::value, std::move(err));
  });
}

} // namespace

caf::behavior policy_actor(caf::stateful_actor<policy_actor_state>* self, std::string tenant,
                           policy_actor_config cfg) {
  self->state.cfg = cfg;
  self->state.tenant = std::move(tenant);
  return {
    [=](policy_apply_atom, domain::tenant_policy& p, const std::string& source) {
      apply_policy(self, p, source);
    },
    [=](policy_written_atom, domain::error& err) {
      auto& st = self->state;
      if (st.writing.empty())
        return;
      auto w = std::move(st.writing.front());
      st.writing.erase(st.writing.begin());
      if (err.code != domain::errc::ok) {
        w.promise.deliver(to_caf_error(err));
        return;
      }
      // Published only once durable: a deadline never runs on a policy a crash would forget.
      st.cfg.registry->put(std::move(w.policy));
      w.promise.deliver(caf::unit);
    },
    [=](policy_get_atom, const std::string&) {
      return *self->state.cfg.registry->get(self->state.tenant);
    },
  };
}

caf::behavior policy_manager(caf::stateful_actor<policy_manager_state>* self,
                             policy_actor_config cfg) {
  self->state.cfg = cfg;
  auto actor_for = [self](const std::string& tenant) -> caf::actor& {
    auto& a = self->state.by_tenant[tenant];
    if (!a)
      a = self->spawn(policy_actor, tenant, self->state.cfg);
    return a;
  };
  return {
    [=](policy_apply_atom a, domain::tenant_policy& p, std::string& source) {
      auto& target = actor_for(p.tenant);
      return self->delegate(target, a, std::move(p), std::move(source));
    },
    [=](policy_get_atom a, std::string& tenant) {
      auto& target = actor_for(tenant);
      return self->delegate(target, a, std::move(tenant));
    },
  };
}

domain::error load_stored_policies(persistence::store& st, policy_registry& registry) {
  auto load = [&](const std::string&, const std::string& value) {
    persistence::stored_policy p;
    auto err = decode_policy(value, p);
    if (err.code == domain::errc::ok)
      registry.put(std::move(p.policy));
    return err;
  };
  return persistence::scan_definitions(st, persistence::policy_prefix, load);
}

} // namespace tocsin::actors
