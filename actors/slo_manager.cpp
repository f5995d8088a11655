// SLO manager: see slo_manager.hpp. Definitions take effect only once durable, in the order
// the store commits them; an apply of several definitions is one atomic write.
#include "actors/slo_manager.hpp"

#include "actors/messages.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tocsin::actors {

const char* slo_manager_state::name = "slo_manager";

namespace {

using self_ptr = caf::stateful_actor<slo_manager_state>*;

caf::error not_found(const std::string& tenant, const std::string& id) {
  return to_caf_error(domain::make_error(domain::errc::not_found,
                                         "SLO " + id + " of tenant " + tenant + " not found"));
}

void run(self_ptr self, persistence::stored_slo slo, persistence::stored_slo_state state) {
  auto& e = self->state.slos[{slo.definition.tenant, slo.definition.id}];
  if (e.actor) {
    caf::anon_send(e.actor, slo_define_atom::value, slo);
  } else {
    e.actor = self->spawn(slo_actor, slo, std::move(state), self->state.actor_cfg);
  }
  e.slo = std::move(slo);
}

void apply(self_ptr self, std::vector<domain::slo_definition>& defs, const std::string& source,
           const std::string& yaml) {
  auto rp = self->make_response_promise();
  if (auto err = validate_batch(defs); err.code != domain::errc::ok) {
    rp.deliver(to_caf_error(err));
    return;
  }
  auto& st = self->state;
  for (const auto& d : defs)
    if (auto it = st.slos.find({d.tenant, d.id}); it != st.slos.end() && it->second.deleting) {
      rp.deliver(to_caf_error(domain::make_error(
        domain::errc::version_conflict,
        "SLO " + d.id + " is being deleted; apply it again once the delete has completed")));
      return;
    }
  const auto now = st.actor_cfg.clock->now();
  slo_manager_state::pending_write w;
  std::vector<persistence::kv_op> ops;
  for (auto& d : defs) {
    persistence::stored_slo s{std::move(d), source, now, yaml};
    const auto& def = s.definition;
    ops.push_back({persistence::kv_db::definitions, persistence::kv_op::put,
                   persistence::slo_key(def.tenant, def.id), persistence::encode_slo(s)});
    if (source == "config") // remembered so that a later start can tell whether the file changed
      ops.push_back({persistence::kv_db::definitions, persistence::kv_op::put,
                     persistence::config_slo_key(def.tenant, def.id), ops.back().value});
    w.applied.push_back(std::move(s));
  }
  w.promise = std::move(rp);
  st.writing.push_back(std::move(w));
  auto handle = caf::actor_cast<caf::actor>(self);
  st.actor_cfg.store->write(std::move(ops), [handle](domain::error err) {
    caf::anon_send(handle, slo_written_atom::value, std::move(err));
  });
}

// First stops the SLO's actor; write_erase follows once it is gone (see the down handler).
void erase(self_ptr self, const std::string& tenant, const std::string& id) {
  auto rp = self->make_response_promise();
  auto& st = self->state;
  auto it = st.slos.find({tenant, id});
  if (it == st.slos.end() || it->second.deleting) {
    rp.deliver(not_found(tenant, id));
    return;
  }
  auto& e = it->second;
  e.deleting = true;
  self->monitor(e.actor);
  caf::anon_send(e.actor, slo_stop_atom::value);
  st.stopping.emplace(e.actor.address(), std::make_pair(slo_ref{tenant, id}, std::move(rp)));
}

void write_erase(self_ptr self, const slo_ref& ref, caf::response_promise rp) {
  auto& st = self->state;
  // The config record stays: an unchanged config file does not bring a deleted SLO back.
  std::vector<persistence::kv_op> ops{
    {persistence::kv_db::definitions, persistence::kv_op::erase,
     persistence::slo_key(ref.first, ref.second), {}},
    {persistence::kv_db::definitions, persistence::kv_op::erase,
     persistence::slo_state_key(ref.first, ref.second), {}}};
  st.writing.push_back({{}, ref, std::move(rp)});
  auto handle = caf::actor_cast<caf::actor>(self);
  st.actor_cfg.store->write(std::move(ops), [handle](domain::error err) {
    caf::anon_send(handle, slo_written_atom::value, std::move(err));
  });
}

// The stored breach state of an SLO (a delete that could not be written restarts its actor).
persistence::stored_slo_state stored_state(self_ptr self, const slo_ref& ref) {
  persistence::stored_slo_state s;
  auto v = self->state.actor_cfg.store->get(persistence::kv_db::definitions,
                                            persistence::slo_state_key(ref.first, ref.second));
  if (v.ok() && *v)
    persistence::decode_slo_state(**v, s);
  return s;
}

void written(self_ptr self, const domain::error& err) {
  auto& st = self->state;
  if (st.writing.empty())
    return;
  auto w = std::move(st.writing.front());
  st.writing.pop_front();
  if (err.code != domain::errc::ok) {
    if (w.applied.empty()) // a delete that did not happen: the SLO runs on
      if (auto it = st.slos.find(w.deleted); it != st.slos.end()) {
        it->second.deleting = false;
        it->second.actor = self->spawn(slo_actor, it->second.slo, stored_state(self, w.deleted),
                                       st.actor_cfg);
      }
    w.promise.deliver(to_caf_error(err));
    return;
  }
  if (w.applied.empty()) { // a delete
    st.slos.erase(w.deleted);
    spdlog::info("SLO {}/{} deleted", w.deleted.first, w.deleted.second);
    w.promise.deliver(caf::unit);
    return;
  }
  for (const auto& s : w.applied) {
    spdlog::info("SLO {}/{} applied (source {}, target {}, {} condition(s))",
                 s.definition.tenant, s.definition.id, s.source, s.definition.target,
                 domain::effective_conditions(s.definition).size());
    run(self, s, {});
  }
  w.promise.deliver(std::move(w.applied));
}

std::vector<persistence::stored_slo> list(self_ptr self, const std::string& tenant) {
  std::vector<persistence::stored_slo> out;
  for (auto it = self->state.slos.lower_bound({tenant, {}});
       it != self->state.slos.end() && it->first.first == tenant; ++it)
    out.push_back(it->second.slo);
  return out;
}

} // namespace

domain::error validate_batch(const std::vector<domain::slo_definition>& defs) {
  using domain::errc;
  if (defs.empty())
    return domain::make_error(errc::invalid_argument, "definitions: no SLO to apply");
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const auto& d = defs[i];
    const std::string at = "slo '" + d.id + "': ";
    if (d.id.find('/') != std::string::npos)
      return domain::make_error(errc::invalid_argument, at + "id: must not contain '/'");
    if (d.tenant.find('/') != std::string::npos)
      return domain::make_error(errc::invalid_argument, at + "tenant: must not contain '/'");
    if (auto err = domain::validate(d); err.code != errc::ok)
      return domain::make_error(err.code, at + err.message);
    for (std::size_t j = 0; j < i; ++j)
      if (defs[j].id == d.id && defs[j].tenant == d.tenant)
        return domain::make_error(errc::invalid_argument, at + "id: given twice");
  }
  return {};
}

caf::behavior slo_manager(caf::stateful_actor<slo_manager_state>* self, slo_actor_config cfg,
                          std::vector<persistence::stored_slo> stored,
                          std::map<slo_ref, persistence::stored_slo_state> states) {
  self->state.actor_cfg = std::move(cfg);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& stopping = self->state.stopping;
    auto it = stopping.find(dm.source);
    if (it == stopping.end())
      return;
    auto [ref, rp] = std::move(it->second);
    stopping.erase(it);
    write_erase(self, ref, std::move(rp));
  });
  for (auto& s : stored) {
    auto it = states.find({s.definition.tenant, s.definition.id});
    run(self, std::move(s), it != states.end() ? it->second : persistence::stored_slo_state{});
  }
  return {
    [=](slo_apply_atom, std::vector<domain::slo_definition>& defs, const std::string& source,
        const std::string& yaml) { apply(self, defs, source, yaml); },
    [=](slo_written_atom, const domain::error& err) { written(self, err); },
    [=](slo_get_atom, const std::string& tenant,
        const std::string& id) -> caf::result<persistence::stored_slo> {
      auto it = self->state.slos.find({tenant, id});
      if (it == self->state.slos.end())
        return not_found(tenant, id);
      return it->second.slo;
    },
    [=](slo_list_atom, const std::string& tenant) { return list(self, tenant); },
    [=](slo_delete_atom, const std::string& tenant, const std::string& id) {
      erase(self, tenant, id);
    },
    [=](slo_status_atom a, const std::string& tenant,
        const std::string& id) -> caf::result<caf::message> {
      auto it = self->state.slos.find({tenant, id});
      if (it == self->state.slos.end() || it->second.deleting)
        return not_found(tenant, id);
      return self->delegate(it->second.actor, a);
    },
    [=](slo_stop_atom) {
      // The caller stops them and waits for each to finish (slo_runtime::stop).
      std::vector<caf::actor> actors;
      for (auto& [ref, e] : self->state.slos)
        actors.push_back(e.actor);
      self->state.slos.clear();
      return actors;
    },
  };
}

} // namespace tocsin::actors
