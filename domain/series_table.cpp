// series_table: lookup and lazy restore, folding, watermark advance, drain for persistence.
#include "domain/series_table.hpp"

#include <algorithm>
#include <utility>

namespace tocsin::domain {
namespace {

constexpr timestamp never = std::numeric_limits<timestamp>::min();

std::size_t tier_of(const window_config& cfg, duration resolution) {
  for (std::size_t i = 0; i < cfg.tiers.size(); ++i)
    if (cfg.tiers[i].resolution == resolution) return i;
  return cfg.tiers.size();
}

} // namespace

series_table::series_table(window_config cfg, series_source* source)
    : cfg_(std::move(cfg)), source_(source) {}

series_entry* series_table::find(const series_key& key, std::uint64_t hash) {
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return nullptr;
  for (auto& e : it->second)
    if (e->key == key) return e.get();
  return nullptr;
}

series_entry& series_table::insert(const series_key& key, std::uint64_t hash,
                                   std::uint8_t slot) {
  auto e = std::make_unique<series_entry>();
  e->key = key;
  e->hash = hash;
  e->slot = slot;
  e->windows = window_store{cfg_};
  e->persisted.resize(cfg_.tiers.size());
  auto& bucket = by_hash_[hash];
  bucket.push_back(std::move(e));
  ++size_;
  return *bucket.back();
}

series_entry& series_table::touch(const series_key& key, std::uint64_t hash, timestamp now) {
  if (auto* e = find(key, hash)) return *e;
  if (!source_) return insert(key, hash, 0);
  persisted_series p = source_->load(key, hash);
  auto& e = insert(key, hash, p.slot);
  if (!p.found) return e;
  e.key_persisted = true; // meta_closed_until stays `never`: the new gap is persisted next drain
  for (const auto& w : p.windows) {
    const std::size_t t = tier_of(cfg_, w.resolution);
    if (t < e.persisted.size()) e.persisted[t].push_back(w.start);
  }
  for (auto& starts : e.persisted) std::sort(starts.begin(), starts.end());
  e.windows = window_store::restore(cfg_, p.windows, p.meta, now);
  // Catch up with the present at once, so retention and ranges agree with live series.
  if (e.windows.started()) e.windows.advance(now);
  return e;
}

std::size_t series_table::fold_cumulative(series_entry& e, keyed_observations& item) {
  auto& samples = item.cumulative;
  std::stable_sort(samples.begin(), samples.end(),
                   [](const cumulative_sample& a, const cumulative_sample& b) {
                     return a.time < b.time;
                   });
  auto& state = e.cumulative[item.source];
  std::size_t late = 0;
  for (const auto& c : samples) {
    const double previous_sum = state.previous_sum;
    const delta_result d = state.tracker.next({c.start_time, c.time, c.value});
    if (d.outcome == delta_outcome::ignored) continue;
    state.previous_sum = c.sum;
    if (!d.delta) {
      // A baseline counts nothing, but it is event time: the series is alive up to here.
      e.windows.advance(c.time);
      continue;
    }
    observation o;
    if (c.histogram) {
      const double sum = d.outcome == delta_outcome::reset ? c.sum : c.sum - previous_sum;
      o = metric_observation(c.time, sum);
      o.calls = static_cast<std::uint64_t>(*d.delta);
    } else {
      o = metric_observation(c.time, *d.delta);
    }
    if (!e.windows.add(o)) ++late;
  }
  return late;
}

fold_result series_table::fold(keyed_observations& item, timestamp now) {
  fold_result r;
  r.entry = &touch(item.key, item.hash, now);
  auto& ws = r.entry->windows;
  for (const auto& o : item.observations)
    if (!ws.add(o)) ++r.late;
  r.folded = item.observations.size() - r.late;
  if (!item.cumulative.empty()) {
    const std::size_t late = fold_cumulative(*r.entry, item);
    r.late += late;
    r.folded += item.cumulative.size() - std::min(late, item.cumulative.size());
  }
  return r;
}

range_sum series_table::sum(const series_key& key, std::uint64_t hash, timestamp from,
                            timestamp to, timestamp now) {
  return touch(key, hash, now).windows.sum(from, to);
}

void series_table::advance(timestamp now) {
  for (auto& [hash, bucket] : by_hash_)
    for (auto& e : bucket)
      if (e->windows.started()) e->windows.advance(now);
}

void series_table::expire(series_entry& e, series_changes& c) const {
  const timestamp closed = e.windows.closed_until();
  for (std::size_t i = 0; i < cfg_.tiers.size(); ++i) {
    const auto& t = cfg_.tiers[i];
    const timestamp cut = align_down(closed - t.retention, t.resolution); // as window_store
    auto& starts = e.persisted[i];
    while (!starts.empty() && starts.front() < cut) {
      c.expired.push_back({t.resolution, starts.front()});
      starts.pop_front();
    }
  }
}

std::vector<series_changes> series_table::drain() {
  std::vector<series_changes> out;
  for (auto& [hash, bucket] : by_hash_) {
    for (auto& ep : bucket) {
      series_entry& e = *ep;
      if (!e.windows.started()) continue;
      series_changes c;
      c.entry = &e;
      c.write_key = !e.key_persisted;
      c.closed = e.windows.take_closed();
      for (const auto& w : c.closed) {
        const std::size_t t = tier_of(cfg_, w.resolution);
        if (t < e.persisted.size()) e.persisted[t].push_back(w.start);
      }
      expire(e, c);
      const timestamp closed = e.windows.closed_until();
      const bool frontier_moved = e.meta_closed_until == never
                                  || closed - e.meta_closed_until >= meta_every();
      if (c.write_key || !c.closed.empty() || !c.expired.empty() || frontier_moved) {
        c.meta = e.windows.meta();
        e.meta_closed_until = closed;
        e.key_persisted = true;
      }
      windows_closed_ += c.closed.size();
      if (c.meta) out.push_back(std::move(c));
    }
  }
  return out;
}

} // namespace tocsin::domain
