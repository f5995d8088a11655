// Incident actor: see incident_actor.hpp. Every side effect (reply, router notice) happens only
// after the events it reports are durable.
#include "actors/incident_actor.hpp"

#include "actors/incident_escalation.hpp"

#include "domain/dedup.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <atomic>

namespace tocsin::actors {

const char* incident_actor_state::name = "incident_actor";

namespace {

using self_ptr = caf::stateful_actor<incident_actor_state>*;

const std::string& tenant_of(const domain::incident_command& cmd) {
  static const std::string none;
  auto* open = std::get_if<domain::open_incident>(&cmd);
  return open ? open->tenant : none;
}

bool needs_snapshot(std::uint64_t before, std::uint64_t after, std::uint32_t every) {
  return every != 0 && before / every != after / every;
}

domain::dedup_key key_of(const domain::incident_state& s) {
  return {s.tenant, s.source, s.source_id};
}

// Dedup entries follow the incident's life: put when it opens, erased when it resolves, in the
// same transaction as the event.
std::vector<persistence::dedup_op> dedup_ops(const domain::incident_state& before,
                                             const domain::incident_state& after) {
  std::vector<persistence::dedup_op> ops;
  if (after.source_id.empty())
    return ops;
  if (!before.exists())
    ops.push_back({persistence::dedup_op::put, key_of(after), after.id});
  if (domain::is_active(before) && after.status == domain::incident_status::resolved)
    ops.push_back({persistence::dedup_op::erase, key_of(after), {}});
  return ops;
}

void process_next(self_ptr self);
void arm_deadline_timer(self_ptr self, std::optional<domain::timestamp> at);

// A full map refuses every append until an operator acts: say so, but not once per request.
void log_refusal(const domain::error& err) {
  if (err.code != domain::errc::storage_full && err.code != domain::errc::storage_error)
    return;
  static std::atomic<std::int64_t> last_ms{0};
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count();
  auto prev = last_ms.load(std::memory_order_relaxed);
  if (now_ms - prev >= 10'000 && last_ms.compare_exchange_strong(prev, now_ms))
    spdlog::error("journal append refused ({}): {}", domain::to_string(err.code), err.message);
}

// `policy` is the tenant's (null without policies): looked up once per command by process_next.
void start_append(self_ptr self, incident_actor_state::queued& q,
                  std::vector<domain::incident_event> events,
                  const domain::tenant_policy* policy) {
  auto& st = self->state;
  auto envs = domain::make_envelopes(st.incident, st.partition, events);
  auto next = st.incident;
  for (const auto& ev : events)
    next = domain::apply(std::move(next), ev);
  persistence::append_request req;
  req.aggregate_id = st.id;
  req.expected_version = st.incident.version;
  req.events = envs;
  req.dedup = dedup_ops(st.incident, next);
  if (needs_snapshot(st.incident.version, next.version, st.cfg.store->options().snapshot_every))
    req.snapshot = next;
  req.summary = persistence::summarize(next);
  if (policy) // every append re-tags the deadline with the new version (see on_deadline)
    req.deadline = domain::next_deadline(*policy, next);
  st.pending = incident_actor_state::in_flight{std::move(next), std::move(envs),
                                               std::move(q.promise), req.deadline};
  auto handle = caf::actor_cast<caf::actor>(self);
  st.cfg.store->append(std::move(req), [handle](persistence::append_result r) {
    caf::anon_send(handle, appended_atom::value, std::move(r));
  });
}

void finish_append(self_ptr self, persistence::append_result& r) {
  auto& st = self->state;
  auto done = std::move(*st.pending);
  st.pending.reset();
  if (!r.ok()) {
    if (r.err.code == domain::errc::version_conflict) {
      // Someone else wrote this aggregate (should not happen with one actor per incident):
      // reload so the next command is decided on the durable truth.
      if (auto fresh = st.cfg.store->load_incident(st.id))
        st.incident = std::move(*fresh);
    }
    log_refusal(r.err);
    done.promise.deliver(to_caf_error(r.err));
    return;
  }
  const bool was_active = domain::is_active(st.incident);
  st.incident = std::move(done.next);
  if (was_active && st.incident.status == domain::incident_status::resolved
      && !st.incident.source_id.empty())
    self->send(st.cfg.router, resolved_atom::value, key_of(st.incident).encode(), st.id);
  done.promise.deliver(command_reply{st.incident, std::move(done.events), false});
  arm_deadline_timer(self, done.deadline);
}

void process_next(self_ptr self) {
  auto& st = self->state;
  while (!st.pending && !st.queue.empty()) {
    auto q = std::move(st.queue.front());
    st.queue.erase(st.queue.begin());
    if (q.expected_version != 0 && q.expected_version != st.incident.version) {
      q.promise.deliver(to_caf_error(domain::make_error(
        domain::errc::version_conflict,
        "incident " + st.id + " is at version " + std::to_string(st.incident.version)
          + ", the request expected " + std::to_string(q.expected_version))));
      continue;
    }
    std::shared_ptr<const domain::tenant_policy> policy;
    if (st.cfg.policies) {
      // The policy is fetched before q.cmd is moved: the tenant may live inside the command.
      policy = st.cfg.policies->get(st.incident.exists() ? st.incident.tenant : tenant_of(q.cmd));
      q.cmd = with_policy_steps(*policy, st.incident, std::move(q.cmd));
    }
    auto decided = domain::decide(st.incident, q.cmd, st.cfg.clock->now());
    if (!decided) {
      auto err = decided.err();
      if (err.code == domain::errc::not_found) // the domain cannot name an id it never saw
        err.message = "incident " + st.id + " not found";
      q.promise.deliver(to_caf_error(err));
      continue;
    }
    start_append(self, q, std::move(*decided), policy.get());
  }
  if (!st.pending && st.queue.empty() && st.stopping) {
    st.stopping->deliver(caf::unit);
    self->quit();
  }
}

// Schedules this actor's own escalation timer for the current deadline, once per deadline and
// only when it falls within the actor's idle horizon: a pending CAF timer holds the actor alive,
// so far-off deadlines are left to the wake-up service, which covers every deadline anyway.
void arm_deadline_timer(self_ptr self, std::optional<domain::timestamp> at) {
  auto& st = self->state;
  if (!at || *at == st.armed_at || !domain::is_active(st.incident))
    return;
  auto wait_ns = std::max<domain::timestamp>(0, *at - st.cfg.clock->now());
  if (std::chrono::nanoseconds{wait_ns} > st.cfg.passivate_after)
    return;
  st.armed_at = *at;
  self->delayed_send(self, std::chrono::nanoseconds{wait_ns}, timer_atom::value,
                     st.incident.version, *at);
}

void handle_deadline(self_ptr self, std::uint64_t version, domain::timestamp at,
                     caf::response_promise rp) {
  auto& st = self->state;
  auto fresh = [&] { return command_reply{st.incident, {}, false}; };
  if (!st.cfg.policies) {
    rp.deliver(fresh());
    return;
  }
  const auto& policy = *st.cfg.policies->get(st.incident.tenant);
  auto out = on_deadline(policy, st.incident, version, at, st.cfg.clock->now());
  switch (out.kind) {
  case deadline_outcome::stale:
    rp.deliver(fresh());
    return;
  case deadline_outcome::escalate:
    // Expecting the current version: if anything lands first, this escalation is refused, not
    // doubled (the timer and the wake-up service may both fire for one deadline).
    st.queue.push_back(
      {domain::incident_command{std::move(*out.command)}, st.incident.version, std::move(rp)});
    process_next(self);
    return;
  case deadline_outcome::rearm: {
    st.rearm_waiters.push_back(std::move(rp));
    auto handle = caf::actor_cast<caf::actor>(self);
    st.cfg.store->write({{persistence::kv_db::deadlines, persistence::kv_op::put,
                          persistence::deadline_key(out.at, st.id),
                          persistence::encode_u64(st.incident.version)}},
                        [handle](domain::error err) {
                          caf::anon_send(handle, rearmed_atom::value, std::move(err));
                        });
    arm_deadline_timer(self, out.at);
    return;
  }
  }
}

void arm_idle_timer(self_ptr self, std::chrono::milliseconds after) {
  self->delayed_send(self, after, idle_atom::value);
}

} // namespace

caf::behavior incident_actor(caf::stateful_actor<incident_actor_state>* self, std::string id,
                             std::uint32_t partition, incident_actor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.id = std::move(id);
  st.partition = partition;
  st.last_activity = std::chrono::steady_clock::now();
  // Recovery: snapshot + tail replay. A missing incident is simply an empty state.
  auto loaded = st.cfg.store->load_incident(st.id);
  std::optional<domain::error> load_error;
  if (loaded)
    st.incident = std::move(*loaded);
  else if (loaded.err().code != domain::errc::not_found)
    load_error = loaded.err();
  arm_idle_timer(self, st.cfg.passivate_after);
  if (st.cfg.policies && domain::is_active(st.incident))
    arm_deadline_timer(self, domain::next_deadline(*st.cfg.policies->get(st.incident.tenant),
                                                   st.incident));
  return {
    [=](command_atom, const std::string&, domain::incident_command& cmd,
        std::uint64_t expected) {
      auto& st = self->state;
      ++st.received;
      st.last_activity = std::chrono::steady_clock::now();
      auto rp = self->make_response_promise();
      if (load_error) {
        rp.deliver(to_caf_error(*load_error));
        return;
      }
      st.queue.push_back({std::move(cmd), expected, std::move(rp)});
      process_next(self);
    },
    [=](get_atom, const std::string&) -> caf::result<incident_view> {
      auto& st = self->state;
      ++st.received;
      st.last_activity = std::chrono::steady_clock::now();
      if (load_error)
        return to_caf_error(*load_error);
      if (!st.incident.exists())
        return to_caf_error(
          domain::make_error(domain::errc::not_found, "incident " + st.id + " not found"));
      auto history = st.cfg.store->read_events(st.id, 1);
      if (!history)
        return to_caf_error(history.err());
      // Durable history may run ahead of st.incident only while an append is in flight.
      history->resize(std::min<std::size_t>(history->size(), st.incident.version));
      return incident_view{st.incident, std::move(*history)};
    },
    [=](deadline_atom, const std::string&, std::uint64_t version, domain::timestamp at) {
      auto& st = self->state;
      ++st.received;
      auto rp = self->make_response_promise();
      if (load_error) {
        rp.deliver(to_caf_error(*load_error));
        return;
      }
      handle_deadline(self, version, at, std::move(rp));
    },
    [=](timer_atom, std::uint64_t version, domain::timestamp at) {
      if (self->state.armed_at == at)
        self->state.armed_at = 0;
      if (!load_error)
        handle_deadline(self, version, at, caf::response_promise{});
    },
    [=](rearmed_atom, domain::error& err) {
      auto& waiters = self->state.rearm_waiters;
      if (waiters.empty())
        return;
      auto rp = std::move(waiters.front()); // the store answers writes in submission order
      waiters.erase(waiters.begin());
      if (err.code != domain::errc::ok)
        rp.deliver(to_caf_error(err));
      else
        rp.deliver(command_reply{self->state.incident, {}, false});
    },
    [=](appended_atom, persistence::append_result& r) {
      finish_append(self, r);
      process_next(self);
    },
    [=](idle_atom) {
      auto& st = self->state;
      auto idle_for = std::chrono::steady_clock::now() - st.last_activity;
      if (idle_for >= st.cfg.passivate_after && !st.pending && st.queue.empty())
        self->send(st.cfg.router, passivate_atom::value, st.id, st.received);
      // Re-arm either way: a refused passivation (commands in flight) is retried later.
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.passivate_after
                                                                        - idle_for);
      arm_idle_timer(self, left.count() > 0 ? left : st.cfg.passivate_after);
    },
    [=](passivate_atom) {
      // The router accepted: it has forwarded nothing we have not seen, so nothing is lost.
      if (!self->state.pending && self->state.queue.empty())
        self->quit();
    },
    [=](shutdown_atom) {
      auto& st = self->state;
      auto rp = self->make_response_promise();
      if (!st.pending && st.queue.empty()) {
        rp.deliver(caf::unit);
        self->quit();
        return;
      }
      st.stopping = std::move(rp);
    },
  };
}

} // namespace tocsin::actors
