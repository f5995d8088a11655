// Aggregator shard: see aggregation_shard.hpp.
#include "actors/aggregation_shard.hpp"

#include "actors/messages.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace tocsin::actors {

const char* aggregation_shard_state::name = "aggregation_shard";

namespace {

using self_ptr = caf::stateful_actor<aggregation_shard_state>*;

// A store that refuses writes for this long (e.g. full) costs windows rather than memory.
constexpr std::size_t max_pending_ops = 1'000'000;
// Seeks per tick of the retention sweep: a pass over 10k series x 3 tiers takes ~50 ticks.
constexpr std::size_t sweep_probes = 512;

domain::timestamp sweep_every(const shard_config& cfg) {
  const domain::duration tick = std::chrono::nanoseconds(cfg.tick).count();
  const domain::duration finest = cfg.windows.tiers.front().retention / 10;
  return std::clamp<domain::duration>(finest, tick, 60 * domain::nanos_per_second);
}

void count_series(self_ptr self, std::size_t before) {
  const std::size_t now = self->state.table->size();
  if (now > before) self->state.cfg.counters->series.fetch_add(now - before);
}

aggregation_shard_state::watch* find_watch(self_ptr self, const domain::series_key& key,
                                           std::uint64_t hash) {
  auto it = self->state.watches.find(hash);
  if (it == self->state.watches.end()) return nullptr;
  for (auto& w : it->second)
    if (w.key == key) return &w;
  return nullptr;
}

void fold(self_ptr self, shard_batch& b) {
  auto& st = self->state;
  const std::size_t before = st.table->size();
  const domain::timestamp now = st.cfg.clock->now();
  std::uint64_t late = 0;
  std::vector<aggregation_shard_state::watch*> touched;
  for (auto& item : b.items) {
    const auto r = st.table->fold(item, now);
    late += r.late;
    if (st.watches.empty()) continue;
    auto* w = find_watch(self, item.key, item.hash);
    if (w && std::find(touched.begin(), touched.end(), w) == touched.end()) touched.push_back(w);
  }
  auto& c = *st.cfg.counters;
  if (late) c.late.fetch_add(late);
  c.queued.fetch_sub(b.count);
  count_series(self, before);
  for (auto* w : touched)
    for (const auto& watcher : w->watchers)
      self->send(watcher, series_updated_atom::value, w->key);
}

void finish_stop(self_ptr self) {
  auto& st = self->state;
  for (auto& rp : st.stop_waiters) rp.deliver(caf::unit);
  st.stop_waiters.clear();
}

void persist(self_ptr self) {
  auto& st = self->state;
  if (st.writing || st.pending.empty()) {
    if (!st.writing && st.stopping) finish_stop(self);
    return;
  }
  st.writing = true;
  st.in_flight = std::move(st.pending);
  st.in_flight_windows = std::exchange(st.pending_windows, 0);
  st.pending.clear();
  auto handle = caf::actor_cast<caf::actor>(self);
  st.cfg.store->write(st.in_flight, [handle](domain::error err) {
    caf::anon_send(handle, persisted_atom::value, std::move(err));
  });
}

void persisted(self_ptr self, domain::error& err) {
  auto& st = self->state;
  st.writing = false;
  auto& c = *st.cfg.counters;
  if (err.code == domain::errc::ok) {
    c.windows_persisted.fetch_add(st.in_flight_windows);
  } else if (!st.stopping) {
    // Retried first at the next tick, in order: a later meta must never land without the
    // windows it covers.
    if (c.persist_failures.fetch_add(1) % 100 == 0)
      spdlog::warn("aggregation: persisting windows failed (retrying): {}", err.message);
    st.in_flight.insert(st.in_flight.end(), std::make_move_iterator(st.pending.begin()),
                        std::make_move_iterator(st.pending.end()));
    st.pending = std::move(st.in_flight);
    st.pending_windows += st.in_flight_windows;
    if (st.pending.size() > max_pending_ops) {
      spdlog::error("aggregation: dropping {} unpersisted window ops", st.pending.size());
      st.pending.clear();
      st.pending_windows = 0;
    }
  } else {
    spdlog::warn("aggregation: last windows not persisted at shutdown: {}", err.message);
    st.pending.clear();
  }
  st.in_flight.clear();
  st.in_flight_windows = 0;
  if (st.stopping) persist(self);
}

// Finest-tier closed windows of the metrics someone asked for (cost detection).
void hand_over_closed(const shard_config& cfg, const domain::series_changes& c) {
  const auto& key = c.entry->key;
  if (key.kind != domain::series_kind::metric || c.closed.empty()
      || cfg.closed_window_metrics.count(key.name) == 0)
    return;
  const domain::duration finest = cfg.windows.resolution();
  for (const auto& w : c.closed)
    if (w.resolution == finest)
      cfg.on_closed_window(key, w);
}

void collect(self_ptr self, domain::timestamp now) {
  auto& st = self->state;
  st.table->advance(now);
  const bool hand_over = st.cfg.on_closed_window && !st.cfg.closed_window_metrics.empty();
  for (const auto& changes : st.table->drain()) {
    st.pending_windows += append_ops(changes, st.pending);
    if (hand_over)
      hand_over_closed(st.cfg, changes);
  }
  const std::uint64_t closed = st.table->windows_closed();
  st.cfg.counters->windows_closed.fetch_add(closed - st.closed_reported);
  st.closed_reported = closed;
  if (!st.cfg.sweeps) return;
  if (!st.sweeper.running() && now >= st.next_sweep) {
    st.sweeper.start();
    st.next_sweep = now + sweep_every(st.cfg);
  }
  if (st.sweeper.running())
    st.sweeper.step(*st.cfg.store, st.cfg.windows, now, sweep_probes, st.pending);
}

void watch(self_ptr self, const domain::series_key& key, const caf::actor& watcher) {
  auto& st = self->state;
  const std::uint64_t hash = domain::series_hash(key);
  const std::size_t before = st.table->size();
  st.table->touch(key, hash, st.cfg.clock->now());
  count_series(self, before);
  auto* w = find_watch(self, key, hash);
  if (!w) {
    st.watches[hash].push_back({key, {}});
    w = &st.watches[hash].back();
  }
  if (std::find(w->watchers.begin(), w->watchers.end(), watcher) == w->watchers.end()) {
    w->watchers.push_back(watcher);
    self->monitor(watcher);
  }
}

// Removes `watcher` from one series, or from all of them when key is null (it died).
void unwatch(self_ptr self, const domain::series_key* key, const caf::actor_addr& watcher) {
  auto& watches = self->state.watches;
  for (auto it = watches.begin(); it != watches.end();) {
    auto& list = it->second;
    auto is_gone = [&](const caf::actor& a) { return a.address() == watcher; };
    for (auto& w : list)
      if (!key || w.key == *key)
        w.watchers.erase(std::remove_if(w.watchers.begin(), w.watchers.end(), is_gone),
                         w.watchers.end());
    list.erase(std::remove_if(list.begin(), list.end(),
                              [](const auto& w) { return w.watchers.empty(); }),
               list.end());
    it = list.empty() ? watches.erase(it) : std::next(it);
  }
}

} // namespace

caf::behavior aggregation_shard(caf::stateful_actor<aggregation_shard_state>* self,
                                shard_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.source = std::make_unique<lmdb_series_source>(*st.cfg.store);
  st.table = std::make_unique<domain::series_table>(st.cfg.windows, st.source.get());
  self->set_down_handler([self](caf::down_msg& dm) { unwatch(self, nullptr, dm.source); });
  self->delayed_send(self, st.cfg.tick, tick_atom::value);
  return {
    [=](fold_atom, shard_batch& b) { fold(self, b); },
    [=](tick_atom) {
      auto& st = self->state;
      if (st.stopping) return;
      collect(self, st.cfg.clock->now());
      persist(self);
      self->delayed_send(self, st.cfg.tick, tick_atom::value);
    },
    [=](persisted_atom, domain::error& err) { persisted(self, err); },
    [=](series_query_atom, const std::vector<range_request>& rs) {
      auto& st = self->state;
      const std::size_t before = st.table->size();
      const domain::timestamp now = st.cfg.clock->now();
      std::vector<domain::range_sum> out;
      out.reserve(rs.size());
      for (const auto& r : rs)
        out.push_back(st.table->sum(r.key, domain::series_hash(r.key), r.from, r.to, now));
      count_series(self, before);
      return out;
    },
    [=](watch_series_atom, const domain::series_key& key, const caf::actor& watcher) {
      watch(self, key, watcher);
    },
    [=](unwatch_series_atom, const domain::series_key& key, const caf::actor& watcher) {
      unwatch(self, &key, watcher.address());
    },
    [=](shutdown_atom) {
      auto& st = self->state;
      auto rp = self->make_response_promise();
      if (!st.stopping) {
        st.stopping = true;
        collect(self, st.cfg.clock->now());
      }
      st.stop_waiters.push_back(std::move(rp));
      persist(self);
    },
  };
}

} // namespace tocsin::actors
