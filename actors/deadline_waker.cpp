// Wake-up service: see deadline_waker.hpp.
#include "actors/deadline_waker.hpp"

#include <caf/all.hpp>

namespace tocsin::actors {

const char* deadline_waker_state::name = "deadline_waker";

namespace {

using self_ptr = caf::stateful_actor<deadline_waker_state>*;

void erase_entry(self_ptr self, const std::string& key) {
  auto handle = caf::actor_cast<caf::actor>(self);
  self->state.cfg.store->write({{persistence::kv_db::deadlines, persistence::kv_op::erase, key, {}}},
                               [handle, key](domain::error) {
                                 caf::anon_send(handle, erased_atom::value, key);
                               });
}

void fire_due(self_ptr self) {
  auto& st = self->state;
  if (st.in_flight.size() >= st.cfg.max_in_flight)
    return;
  auto due = st.cfg.store->due_deadlines(st.cfg.clock->now(),
                                         st.cfg.max_in_flight + st.in_flight.size());
  if (!due)
    return; // store closing or unreadable: the next tick tries again
  for (auto& e : *due) {
    if (st.in_flight.size() >= st.cfg.max_in_flight)
      break;
    auto key = persistence::deadline_key(e.at, e.incident_id);
    if (!st.in_flight.insert(key).second)
      continue;
    ++st.fired;
    self->request(st.cfg.router, caf::infinite, deadline_atom::value, e.incident_id, e.version,
                  e.at)
      .then([self, key](command_reply&) { erase_entry(self, key); },
            [self, key](caf::error& err) {
              auto e = from_caf_error(err);
              if (e.code == domain::errc::unavailable) {
                self->state.in_flight.erase(key); // shutting down: the entry stays for later
                return;
              }
              erase_entry(self, key); // not_found, bad id: an entry that can never fire
            });
  }
}

} // namespace

caf::behavior deadline_waker(caf::stateful_actor<deadline_waker_state>* self, waker_config cfg) {
  self->state.cfg = std::move(cfg);
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      fire_due(self);
      self->delayed_send(self, self->state.cfg.tick, tick_atom::value);
    },
    [=](erased_atom, const std::string& key) { self->state.in_flight.erase(key); },
  };
}

} // namespace tocsin::actors
