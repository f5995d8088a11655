// slo_actor: evaluation scheduling (coalesced as data arrives, plus a periodic tick) and one
// evaluation = range requests to the shards -> domain::evaluate -> breach tracker. See
// slo_actor.hpp; breach edges are handled in slo_signals.cpp.
#include "actors/slo_actor.hpp"

#include "actors/messages.hpp"
#include "actors/slo_actor_impl.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace tocsin::actors {

const char* slo_actor_state::name = "slo_actor";

namespace slo_detail {

domain::range_sum reply_query::sum(const domain::series_key& key, domain::timestamp from,
                                   domain::timestamp to) const {
  auto it = sums_.find(std::make_tuple(key, from, to));
  if (it != sums_.end())
    return it->second;
  domain::range_sum r;
  r.known = false;
  r.complete = false;
  return r;
}

std::vector<domain::series_key> series_of(const domain::slo_definition& d) {
  std::vector<domain::series_key> keys{d.ratio.total.key};
  const auto& part = d.ratio.good ? *d.ratio.good : *d.ratio.bad; // validate(): exactly one
  if (std::find(keys.begin(), keys.end(), part.key) == keys.end())
    keys.push_back(part.key);
  return keys;
}

} // namespace slo_detail

namespace {

using namespace slo_detail;

struct evaluation {
  domain::timestamp now = 0;
  std::uint64_t generation = 0;
  std::size_t pending = 0;
  reply_query replies;
};

/// The window lengths evaluate() asks about: the SLO window and every condition's two.
std::vector<domain::duration> windows_of(const domain::slo_definition& d) {
  std::vector<domain::duration> w{d.window};
  for (const auto& c : domain::effective_conditions(d))
    for (auto len : {c.long_window, c.short_window})
      if (std::find(w.begin(), w.end(), len) == w.end())
        w.push_back(len);
  return w;
}

void watch(self_ptr self, const domain::series_key& key, bool on) {
  auto shard = self->state.cfg.shard_for(key);
  if (!shard)
    return;
  auto me = caf::actor_cast<caf::actor>(self);
  auto ignore = [](caf::error&) {}; // a shard going away ends the watch anyway
  if (on)
    self->request(shard, caf::infinite, watch_series_atom::value, key, me).then([] {}, ignore);
  else
    self->request(shard, caf::infinite, unwatch_series_atom::value, key, me).then([] {}, ignore);
}

void rewatch(self_ptr self) {
  auto& st = self->state;
  auto wanted = series_of(st.slo.definition);
  for (const auto& k : st.watched)
    if (std::find(wanted.begin(), wanted.end(), k) == wanted.end())
      watch(self, k, false);
  for (const auto& k : wanted)
    if (std::find(st.watched.begin(), st.watched.end(), k) == st.watched.end())
      watch(self, k, true);
  st.watched = std::move(wanted);
}

void start_evaluation(self_ptr self);

void request_evaluation(self_ptr self) {
  auto& st = self->state;
  if (st.in_flight) {
    st.dirty = true;
    return;
  }
  const auto since = std::chrono::steady_clock::now() - st.last_started;
  if (since >= st.cfg.min_interval) {
    start_evaluation(self);
  } else if (!st.timer_armed) {
    st.timer_armed = true;
    auto wait = std::chrono::duration_cast<std::chrono::microseconds>(st.cfg.min_interval - since);
    self->delayed_send(self, wait, slo_eval_atom::value);
  }
}

void answer_waiters(self_ptr self) {
  auto& st = self->state;
  slo_status_view view{st.slo, *st.last, st.tracker.state(), st.incident_id};
  for (auto& rp : st.status_waiters)
    rp.deliver(view);
  st.status_waiters.clear();
}

void finish_evaluation(self_ptr self, const std::shared_ptr<evaluation>& ev) {
  auto& st = self->state;
  st.in_flight = false;
  if (ev->generation != st.generation) { // the definition changed meanwhile: evaluate it anew
    start_evaluation(self);
    return;
  }
  st.last = domain::evaluate(st.slo.definition, ev->replies, ev->now);
  auto& counters = *st.cfg.counters;
  counters.evaluations.fetch_add(1, std::memory_order_relaxed);
  if (st.last->stale)
    counters.stale_evaluations.fetch_add(1, std::memory_order_relaxed);
  const auto before = st.tracker.state();
  if (auto sig = st.tracker.observe(*st.last, ev->now))
    on_signal(self, *sig, before);
  answer_waiters(self); // with the tracker state this evaluation left
  if (st.dirty) {
    st.dirty = false;
    request_evaluation(self);
  }
}

void start_evaluation(self_ptr self) {
  auto& st = self->state;
  st.in_flight = true;
  st.last_started = std::chrono::steady_clock::now();
  auto ev = std::make_shared<evaluation>();
  ev->now = st.cfg.clock->now();
  ev->generation = st.generation;
  // One request per shard, carrying every range of its series.
  std::vector<std::pair<caf::actor, std::vector<range_request>>> by_shard;
  const auto windows = windows_of(st.slo.definition);
  for (const auto& key : series_of(st.slo.definition)) {
    auto shard = st.cfg.shard_for(key);
    if (!shard)
      continue;
    auto it = std::find_if(by_shard.begin(), by_shard.end(),
                           [&](const auto& p) { return p.first == shard; });
    if (it == by_shard.end())
      it = by_shard.insert(by_shard.end(), {shard, {}});
    for (auto len : windows)
      it->second.push_back(range_request{key, ev->now - len, ev->now});
  }
  ev->pending = by_shard.size();
  if (by_shard.empty()) {
    finish_evaluation(self, ev);
    return;
  }
  for (auto& [shard, reqs] : by_shard) {
    auto done = [self, ev] {
      if (--ev->pending == 0)
        finish_evaluation(self, ev);
    };
    self->request(shard, st.cfg.query_timeout, series_query_atom::value, reqs)
      .then(
        [self, ev, reqs, done](std::vector<domain::range_sum>& sums) {
          if (sums.size() == reqs.size())
            for (std::size_t i = 0; i < sums.size(); ++i)
              ev->replies.put(reqs[i], std::move(sums[i]));
          else
            self->state.cfg.counters->query_failures.fetch_add(1, std::memory_order_relaxed);
          done();
        },
        [self, done](caf::error&) {
          self->state.cfg.counters->query_failures.fetch_add(1, std::memory_order_relaxed);
          done();
        });
  }
}

void stop(self_ptr self) {
  auto& st = self->state;
  for (const auto& k : st.watched)
    watch(self, k, false);
  st.watched.clear();
  for (auto& rp : st.status_waiters)
    rp.deliver(to_caf_error(domain::make_error(domain::errc::not_found,
                                               "SLO " + st.slo.definition.id + " was deleted")));
  st.status_waiters.clear();
  st.cfg.counters->active.fetch_sub(1, std::memory_order_relaxed);
  self->quit();
}

} // namespace

caf::behavior slo_actor(caf::stateful_actor<slo_actor_state>* self, persistence::stored_slo slo,
                        persistence::stored_slo_state initial, slo_actor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.slo = std::move(slo);
  st.tracker = domain::breach_tracker{st.cfg.renotify, initial.breach};
  st.incident_id = std::move(initial.incident_id);
  st.cfg.counters->active.fetch_add(1, std::memory_order_relaxed);
  rewatch(self);
  start_evaluation(self); // status and staleness are known from the start
  self->delayed_send(self, st.cfg.evaluate_every, slo_tick_atom::value);
  return {
    [=](series_updated_atom, const domain::series_key&) { request_evaluation(self); },
    [=](slo_eval_atom) {
      self->state.timer_armed = false;
      request_evaluation(self);
    },
    [=](slo_tick_atom) {
      self->delayed_send(self, self->state.cfg.evaluate_every, slo_tick_atom::value);
      request_evaluation(self);
    },
    [=](slo_status_atom) {
      auto& s = self->state;
      s.status_waiters.push_back(self->make_response_promise());
      if (!s.in_flight)
        start_evaluation(self);
    },
    [=](slo_define_atom, persistence::stored_slo& next) {
      auto& s = self->state;
      s.slo = std::move(next);
      ++s.generation;
      rewatch(self);
      request_evaluation(self);
    },
    [=](slo_stop_atom) { stop(self); },
  };
}

} // namespace tocsin::actors
