// Incident router: see incident_router.hpp.
#include "actors/incident_router.hpp"

#include "domain/dedup.hpp"

#include <caf/all.hpp>

namespace tocsin::actors {

const char* incident_router_state::name = "incident_router";

namespace {

using self_ptr = caf::stateful_actor<incident_router_state>*;
using domain::errc;

caf::error refuse(errc code, std::string msg) {
  return to_caf_error(domain::make_error(code, std::move(msg)));
}

// Returns the actor of `id`, activating it if needed, and counts the message about to be sent.
caf::actor& route(self_ptr self, const std::string& id, std::uint32_t partition) {
  auto& st = self->state;
  auto it = st.actors.find(id);
  if (it == st.actors.end()) {
    incident_actor_config cfg{st.cfg.store, st.cfg.clock, caf::actor_cast<caf::actor>(self),
                              st.cfg.passivate_after, st.cfg.policies};
    auto a = self->spawn<caf::lazy_init>(incident_actor, id, partition, std::move(cfg));
    it = st.actors.emplace(id, incident_router_state::entry{std::move(a), 0}).first;
    ++st.stats.activations;
  }
  ++it->second.forwarded;
  return it->second.actor;
}

// Validates an id for this node's partition layout; the partition is part of the id.
domain::result<std::uint32_t> partition_of_id(self_ptr self, const std::string& id) {
  auto p = domain::partition_of(id);
  if (!p)
    return p.err();
  if (*p >= self->state.cfg.store->options().partitions)
    return domain::make_error(errc::not_found, "incident " + id + " not found");
  return static_cast<std::uint32_t>(*p);
}

std::string new_id(self_ptr self, std::uint32_t partition) {
  auto& st = self->state;
  return domain::make_ulid(st.cfg.clock->now(), static_cast<std::uint16_t>(partition), *st.rnd)
    .str();
}

void open_new(self_ptr self, domain::open_incident cmd, caf::response_promise rp);

// Folds a repeated signal into the open incident `id`. If that incident turned out Resolved (or
// never opened), the signal opens a new incident instead: after Resolved, the next signal opens.
void fold_repeat(self_ptr self, const std::string& id, domain::open_incident cmd,
                 caf::response_promise rp) {
  auto part = partition_of_id(self, id);
  if (!part) {
    open_new(self, std::move(cmd), std::move(rp));
    return;
  }
  domain::incident_command repeat = domain::repeat_signal{cmd.exemplars};
  auto& a = route(self, id, *part);
  self->request(a, caf::infinite, command_atom::value, id, std::move(repeat), std::uint64_t{0})
    .then(
      [rp](command_reply& reply) mutable {
        reply.deduplicated = true;
        rp.deliver(std::move(reply));
      },
      [self, id, cmd, rp](caf::error& err) mutable {
        auto e = from_caf_error(err);
        if (e.code != errc::incident_resolved && e.code != errc::not_found) {
          rp.deliver(err);
          return;
        }
        auto key = domain::dedup_key{cmd.tenant, cmd.source, cmd.source_id}.encode();
        auto& dedup = self->state.dedup;
        auto it = dedup.find(key);
        if (it != dedup.end() && it->second != id) {
          fold_repeat(self, it->second, std::move(cmd), std::move(rp)); // someone reopened it
          return;
        }
        if (it != dedup.end())
          dedup.erase(it);
        open_new(self, std::move(cmd), std::move(rp));
      });
}

void open_new(self_ptr self, domain::open_incident cmd, caf::response_promise rp) {
  auto& st = self->state;
  const auto partitions = st.cfg.store->options().partitions;
  std::uint32_t partition;
  if (!cmd.source_id.empty()) {
    domain::dedup_key key{cmd.tenant, cmd.source, cmd.source_id};
    partition = domain::partition_for(key, partitions);
    if (cmd.id.empty())
      cmd.id = new_id(self, partition);
    st.dedup[key.encode()] = cmd.id;
  } else if (cmd.id.empty()) {
    partition = static_cast<std::uint32_t>(st.rnd->next() % partitions);
    cmd.id = new_id(self, partition);
  }
  if (auto p = partition_of_id(self, cmd.id); !p) {
    rp.deliver(to_caf_error(p.err()));
    return;
  } else {
    partition = *p;
  }
  auto id = cmd.id;
  auto& a = route(self, id, partition);
  rp.delegate(a, command_atom::value, id, domain::incident_command{std::move(cmd)},
              std::uint64_t{0});
}

void handle_open(self_ptr self, domain::open_incident& cmd) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  if (st.stopping) {
    rp.deliver(refuse(errc::unavailable, "engine is shutting down"));
    return;
  }
  if (cmd.source_id.empty()) {
    open_new(self, std::move(cmd), std::move(rp));
    return;
  }
  domain::dedup_key key{cmd.tenant, cmd.source, cmd.source_id};
  auto encoded = key.encode();
  if (auto it = st.dedup.find(encoded); it != st.dedup.end()) {
    auto id = it->second;
    fold_repeat(self, id, std::move(cmd), std::move(rp));
    return;
  }
  auto open = st.cfg.store->find_open(key);
  if (!open) {
    rp.deliver(to_caf_error(open.err()));
    return;
  }
  if (*open) {
    st.dedup[encoded] = **open;
    fold_repeat(self, **open, std::move(cmd), std::move(rp));
    return;
  }
  open_new(self, std::move(cmd), std::move(rp));
}

template <class... Ts>
void forward(self_ptr self, const std::string& id, Ts&&... xs) {
  auto rp = self->make_response_promise();
  if (self->state.stopping) {
    rp.deliver(refuse(errc::unavailable, "engine is shutting down"));
    return;
  }
  auto part = partition_of_id(self, id);
  if (!part) {
    rp.deliver(to_caf_error(part.err()));
    return;
  }
  rp.delegate(route(self, id, *part), std::forward<Ts>(xs)...);
}

void shutdown_all(self_ptr self) {
  auto& st = self->state;
  st.stopping = true;
  auto rp = self->make_response_promise();
  if (st.actors.empty()) {
    rp.deliver(caf::unit);
    return;
  }
  auto remaining = std::make_shared<std::size_t>(st.actors.size());
  for (auto& [id, e] : st.actors) {
    auto done = [rp, remaining]() mutable {
      if (--*remaining == 0)
        rp.deliver(caf::unit);
    };
    self->request(e.actor, caf::infinite, shutdown_atom::value)
      .then([done](caf::unit_t) mutable { done(); }, [done](caf::error&) mutable { done(); });
  }
  st.actors.clear();
}

} // namespace

caf::behavior incident_router(caf::stateful_actor<incident_router_state>* self,
                              router_config cfg) {
  self->state.cfg = cfg;
  self->state.rnd = std::make_unique<domain::splitmix64>(cfg.id_seed);
  return {
    [=](open_atom, domain::open_incident& cmd) { handle_open(self, cmd); },
    [=](command_atom, const std::string& id, domain::incident_command& cmd,
        std::uint64_t expected) {
      if (std::holds_alternative<domain::open_incident>(cmd)) {
        auto rp = self->make_response_promise();
        rp.deliver(refuse(errc::invalid_argument, "open goes through open_atom, not a command"));
        return;
      }
      forward(self, id, command_atom::value, id, std::move(cmd), expected);
    },
    [=](get_atom, const std::string& id) {
      forward(self, id, get_atom::value, id);
    },
    [=](deadline_atom, const std::string& id, std::uint64_t version, domain::timestamp at) {
      forward(self, id, deadline_atom::value, id, version, at);
    },
    [=](passivate_atom, const std::string& id, std::uint64_t received) {
      auto& st = self->state;
      auto it = st.actors.find(id);
      if (it == st.actors.end() || it->second.forwarded != received)
        return; // something is still in its mailbox: it asks again later
      self->send(it->second.actor, passivate_atom::value);
      st.actors.erase(it);
      ++st.stats.passivations;
    },
    [=](resolved_atom, const std::string& key, const std::string& id) {
      auto& dedup = self->state.dedup;
      if (auto it = dedup.find(key); it != dedup.end() && it->second == id)
        dedup.erase(it);
    },
    [=](stats_atom) {
      auto& st = self->state;
      auto s = st.stats;
      s.active_actors = st.actors.size();
      s.dedup_cache = st.dedup.size();
      return s;
    },
    [=](shutdown_atom) { shutdown_all(self); },
  };
}

} // namespace tocsin::actors
