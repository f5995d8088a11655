// The cost detector's actor: roll-ups and detectors per cost series, the anomaly outbox and its
// steps (incident, feedback item, governance hand-off). See cost_detector.hpp for the contract
// and cost_detector_impl.hpp for the protocol.
#include "actors/cost_detector_impl.hpp"

#include "actors/feedback_messages.hpp"
#include "actors/messages.hpp"
#include "domain/dedup.hpp"
#include "domain/governance.hpp"
#include "domain/stable_hash.hpp"
#include "domain/ulid.hpp"
#include "persistence/governance_codec.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <set>
#include <utility>

namespace tocsin::actors {

const char* cost_actor_state::name = "cost_detector";

namespace {

using self_ptr = caf::stateful_actor<cost_actor_state>*;
using persistence::kv_db;
using persistence::kv_op;
using steady = std::chrono::steady_clock;

// How long a clean stop waits for steps in flight before it persists and quits.
constexpr auto stop_grace = std::chrono::seconds(5);

cost_series_entry& entry_for(self_ptr self, const domain::cost_series& s) {
  auto& st = self->state;
  auto it = st.series.find(s);
  if (it == st.series.end()) {
    const auto& o = st.sh->opts;
    it = st.series
           .emplace(s, cost_series_entry{s, domain::cost_detector{o.detector},
                                         domain::cost_rollup{o.window}})
           .first;
    st.sh->series.fetch_add(1);
  }
  return it->second;
}

void take_sample(self_ptr self, const cost_sample& c) {
  auto& sh = *self->state.sh;
  sh.windows.fetch_add(1);
  bool late = false;
  auto add = [&](domain::cost_series s) {
    auto& e = entry_for(self, s);
    if (e.rollup.add(c.start, c.value))
      e.touched = true;
    else
      late = true;
  };
  add({c.tenant, sh.opts.metric, ""});
  if (!c.artifact_id.empty())
    add({c.tenant, sh.opts.metric, c.artifact_id});
  if (late)
    sh.late.fetch_add(1);
}

// The incident id of an anomaly: the same on every retry, in the dedup key's partition (the
// router keeps both in one journal partition).
std::string incident_id_for(const domain::cost_anomaly_detected& d, std::uint32_t partitions) {
  const domain::dedup_key key{d.series.tenant, domain::incident_source::cost, d.series_id};
  domain::splitmix64 rnd{domain::fnv1a64(d.series.tenant + '\0' + d.anomaly_id)};
  return domain::make_ulid(d.detected_at, domain::partition_for(key, partitions), rnd).str();
}

void record_anomaly(self_ptr self, const domain::cost_series& s, const domain::cost_anomaly& a,
                    domain::timestamp now) {
  auto& st = self->state;
  domain::cost_anomaly_detected d;
  d.series = s;
  d.series_id = domain::cost_series_id(s);
  d.anomaly = a;
  d.anomaly_id = domain::cost_anomaly_id(d.series_id, a.window_start);
  d.window = st.sh->opts.window;
  d.detected_at = now;
  const auto policy = st.sh->policies->get(s.tenant);
  d.handoff = domain::cost_handoff_due(policy->governance, a);
  d.threshold = policy->governance.cost_anomaly_above;
  d.channel = policy->governance.channel;
  auto key = persistence::cost_pending_key(s.tenant, d.anomaly_id);
  if (st.outbox.count(key) != 0)
    return; // a detector never reports one window twice; be safe anyway
  spdlog::info("cost anomaly: tenant {} series {} window {}: {:.2f} against a baseline of {:.2f}{}",
               s.tenant, d.series_id, a.window_start, a.value, a.baseline,
               d.handoff ? " (to governance)" : "");
  cost_outbox_entry e;
  e.p.anomaly = std::move(d);
  st.outbox.emplace(std::move(key), std::move(e));
  st.sh->anomalies.fetch_add(1);
  st.sh->pending.fetch_add(1);
}

// Sums up the detector windows the clock has settled and feeds them to the detectors. A
// tenant-total anomaly in a window where one of the tenant's artifacts is anomalous too is the
// same spend seen twice: only the artifact's is reported (it names who spent). Both detectors
// still learn, so the total does not fire later for the same excursion.
void detect(self_ptr self, domain::timestamp now) {
  auto& st = self->state;
  const domain::timestamp frontier = now - st.sh->opts.settle;
  std::vector<std::pair<domain::cost_series, domain::cost_anomaly>> found;
  std::set<std::pair<std::string, domain::timestamp>> by_artifact; // (tenant, window)
  for (auto& [key, e] : st.series) {
    auto closed = e.rollup.close(frontier);
    if (closed.empty())
      continue;
    e.dirty = true;
    for (const auto& [start, value] : closed) {
      st.sh->observed.fetch_add(1);
      if (auto a = e.detector.observe(start, value)) {
        if (!e.series.artifact_id.empty())
          by_artifact.emplace(e.series.tenant, start);
        found.emplace_back(e.series, *a);
      }
    }
  }
  for (const auto& [series, a] : found)
    if (!series.artifact_id.empty() || by_artifact.count({series.tenant, a.window_start}) == 0)
      record_anomaly(self, series, a, now);
}

// One write at a time: dirty series states, new or changed outbox records, finished ones erased.
void persist(self_ptr self) {
  auto& st = self->state;
  if (st.writing)
    return;
  const auto now = steady::now();
  const bool sums_due = st.stopping || now >= st.next_sums_write;
  if (sums_due)
    st.next_sums_write = now + st.sh->opts.persist_every;
  std::vector<kv_op> ops;
  for (auto& [key, e] : st.series) {
    if (!e.dirty && !(e.touched && sums_due))
      continue;
    ops.push_back({kv_db::definitions, kv_op::put, persistence::cost_state_key(e.series),
                   persistence::encode_cost_series({e.series, e.detector.state(),
                                                    e.rollup.state()})});
    st.writing_series.push_back(key);
    e.dirty = false;
    e.touched = false;
  }
  for (auto& [key, o] : st.outbox) {
    if (o.erasing)
      continue;
    if (o.finished() && o.in_flight == 0) {
      ops.push_back({kv_db::definitions, kv_op::erase, key, {}});
      st.writing_erase.push_back(key);
      o.erasing = true;
    } else if (o.to_write) {
      ops.push_back({kv_db::definitions, kv_op::put, key, persistence::encode_pending_cost(o.p)});
      st.writing_outbox.push_back(key);
      o.to_write = false;
    }
  }
  if (ops.empty())
    return;
  st.writing = true;
  const auto seq = ++st.write_seq;
  auto handle = caf::actor_cast<caf::actor>(self);
  st.sh->store->write(std::move(ops), [handle, seq](domain::error err) {
    caf::anon_send(handle, cost_saved_atom::value, seq, std::move(err));
  });
}

void finish_stop(self_ptr self);

void quit_now(self_ptr self) {
  auto& st = self->state;
  for (auto& rp : st.stop_waiters)
    rp.deliver(caf::unit);
  st.stop_waiters.clear();
  self->quit();
}

void saved(self_ptr self, domain::error& err) {
  auto& st = self->state;
  st.writing = false;
  const bool ok = err.code == domain::errc::ok;
  if (ok) {
    for (const auto& key : st.writing_outbox)
      if (auto it = st.outbox.find(key); it != st.outbox.end())
        it->second.durable = true;
    for (const auto& key : st.writing_erase)
      if (st.outbox.erase(key) != 0)
        st.sh->pending.fetch_sub(1);
  } else {
    if (st.sh->failures.fetch_add(1) % 100 == 0)
      spdlog::warn("cost detector: persisting state failed (retrying): {}", err.message);
    for (const auto& key : st.writing_series)
      if (auto it = st.series.find(key); it != st.series.end())
        it->second.dirty = true;
    for (const auto& key : st.writing_outbox)
      if (auto it = st.outbox.find(key); it != st.outbox.end())
        it->second.to_write = true;
    for (const auto& key : st.writing_erase)
      if (auto it = st.outbox.find(key); it != st.outbox.end())
        it->second.erasing = false;
  }
  st.writing_series.clear();
  st.writing_outbox.clear();
  st.writing_erase.clear();
  if (st.stopping && !ok) {
    // No retry loop at shutdown: the store keeps what was durable, the outbox resumes there.
    spdlog::warn("cost detector: last state not persisted at shutdown: {}", err.message);
    quit_now(self);
    return;
  }
  if (st.stopping)
    finish_stop(self);
}

void record_step(cost_actor_state& st, cost_outbox_entry& o, cost_step step,
                 const std::string& incident_id);

void step_done(self_ptr self, const std::string& key, cost_step step, const domain::error& err,
               const std::string& incident_id) {
  auto& st = self->state;
  auto it = st.outbox.find(key);
  if (it == st.outbox.end())
    return;
  auto& o = it->second;
  --o.in_flight;
  if (err.code != domain::errc::ok) {
    o.retry_at = steady::now() + st.sh->opts.retry_after;
    if (st.sh->failures.fetch_add(1) % 100 == 0)
      spdlog::warn("cost detector: acting on anomaly {} of tenant {} failed (retrying): {}",
                   o.p.anomaly.anomaly_id, o.p.anomaly.series.tenant, err.message);
  } else {
    record_step(st, o, step, incident_id);
  }
  if (st.stopping)
    finish_stop(self);
}

void record_step(cost_actor_state& st, cost_outbox_entry& o, cost_step step,
                 const std::string& incident_id) {
  switch (step) {
  case cost_step::incident:
    o.p.incident_id = incident_id;
    o.to_write = true;
    st.sh->incidents.fetch_add(1);
    break;
  case cost_step::feedback:
    o.feedback_done = true;
    st.sh->feedback_items.fetch_add(1);
    break;
  case cost_step::handoff:
    o.handoff_done = true;
    break;
  }
}

void open_incident(self_ptr self, const std::string& key, cost_outbox_entry& o) {
  auto& sh = *self->state.sh;
  auto cmd = domain::cost_incident(o.p.anomaly);
  cmd.id = incident_id_for(o.p.anomaly, sh.store->options().partitions);
  // Resumed after a restart that came between the open and recording its id: it is there.
  if (auto v = sh.store->version_of(cmd.id); v.ok() && *v > 0) {
    ++o.in_flight;
    step_done(self, key, cost_step::incident, {}, cmd.id);
    return;
  }
  ++o.in_flight;
  self->request(sh.router, sh.opts.request_timeout, open_atom::value, cmd)
    .then(
      [self, key](command_reply& r) {
        step_done(self, key, cost_step::incident, {}, r.state.id);
      },
      [self, key, id = cmd.id](caf::error& e) {
        auto err = from_caf_error(e);
        if (err.code == domain::errc::already_exists) // opened by an earlier try of this anomaly
          step_done(self, key, cost_step::incident, {}, id);
        else
          step_done(self, key, cost_step::incident, err, {});
      });
}

void send_feedback(self_ptr self, const std::string& key, cost_outbox_entry& o) {
  auto& sh = *self->state.sh;
  ++o.in_flight;
  self->request(sh.feedback, sh.opts.request_timeout, feedback_atom::value,
                domain::cost_feedback(o.p.anomaly))
    .then([self, key] { step_done(self, key, cost_step::feedback, {}, {}); },
          [self, key](caf::error& e) {
            step_done(self, key, cost_step::feedback, from_caf_error(e), {});
          });
}

void append_handoff(self_ptr self, const std::string& key, cost_outbox_entry& o) {
  auto& sh = *self->state.sh;
  const auto& d = o.p.anomaly;
  const auto h = domain::make_cost_handoff(d.series.tenant, d.series_id, d.anomaly, d.threshold,
                                           d.channel, o.p.incident_id, d.detected_at);
  ++o.in_flight;
  auto handle = caf::actor_cast<caf::actor>(self);
  auto counters = self->state.sh;
  sh.governance->append(h.id, sh.governance->partition_of(h.id), persistence::encode_governance(h),
                        [handle, key, counters](persistence::topic_append_result r) {
                          if (r.ok() && r.created)
                            counters->handoffs.fetch_add(1);
                          caf::anon_send(handle, cost_step_atom::value, key, cost_step::handoff,
                                         r.err);
                        });
}

// Starts the next step of every durable outbox entry that is not waiting.
void act(self_ptr self) {
  auto& st = self->state;
  if (st.stopping)
    return;
  const auto now = steady::now();
  for (auto& [key, o] : st.outbox) {
    if (!o.durable || o.erasing || o.in_flight > 0 || o.finished() || now < o.retry_at)
      continue;
    if (o.p.incident_id.empty()) {
      open_incident(self, key, o); // the hand-off names the incident: it comes first
      continue;
    }
    if (!o.feedback_done)
      send_feedback(self, key, o);
    if (o.p.anomaly.handoff && !o.handoff_done)
      append_handoff(self, key, o);
  }
}

void finish_stop(self_ptr self) {
  auto& st = self->state;
  bool busy = false;
  for (const auto& [key, o] : st.outbox)
    busy = busy || o.in_flight > 0;
  if (busy && steady::now() < st.stop_deadline)
    return; // the steps' answers (or the next tick) call again
  if (st.writing)
    return; // saved() calls again
  persist(self);
  if (!st.writing)
    quit_now(self);
}

void on_tick(self_ptr self) {
  auto& st = self->state;
  if (st.stopping) {
    finish_stop(self);
  } else {
    detect(self, st.sh->clock->now());
    persist(self);
    act(self);
  }
  self->delayed_send(self, st.sh->opts.tick, tick_atom::value);
}

void load(self_ptr self, cost_detector_init& init) {
  auto& st = self->state;
  const auto& o = st.sh->opts;
  for (auto& s : init.series) {
    cost_series_entry e{s.series, domain::cost_detector{o.detector, s.detector},
                        domain::cost_rollup{o.window, std::move(s.rollup)}};
    st.series.emplace(s.series, std::move(e));
  }
  for (auto& p : init.outbox) {
    cost_outbox_entry e;
    e.durable = true;
    e.to_write = false;
    auto key = persistence::cost_pending_key(p.anomaly.series.tenant, p.anomaly.anomaly_id);
    e.p = std::move(p);
    st.outbox.emplace(std::move(key), std::move(e));
  }
}

} // namespace

caf::behavior cost_detector_actor(caf::stateful_actor<cost_actor_state>* self,
                                  std::shared_ptr<cost_detector::shared> sh,
                                  cost_detector_init init) {
  self->state.sh = std::move(sh);
  load(self, init);
  self->send(self, tick_atom::value); // resume the outbox at once
  return {
    [=](cost_window_atom, const cost_sample& c) {
      if (!self->state.stopping)
        take_sample(self, c);
    },
    [=](tick_atom) { on_tick(self); },
    [=](cost_saved_atom, std::uint64_t, domain::error& err) {
      saved(self, err);
      act(self); // what just became durable may go on
    },
    [=](cost_step_atom, const std::string& key, cost_step step, domain::error& err) {
      step_done(self, key, step, err, {});
    },
    [=](shutdown_atom) {
      auto& st = self->state;
      if (!st.stopping) {
        st.stopping = true;
        st.stop_deadline = steady::now() + stop_grace;
      }
      st.stop_waiters.push_back(self->make_response_promise());
      finish_stop(self);
    },
  };
}

} // namespace tocsin::actors
