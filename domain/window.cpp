// window_store: acceptance and closing by watermark, roll-ups into coarser tiers, retention,
// restore after a restart, range sums.
#include "domain/window.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace tocsin::domain {
namespace {

constexpr timestamp never = std::numeric_limits<timestamp>::min();

error invalid(const std::string& what) { return make_error(errc::invalid_argument, what); }

} // namespace

timestamp align_down(timestamp t, duration res) {
  timestamp q = t / res;
  if (t % res != 0 && t < 0) --q; // C++ division truncates toward zero; windows are floors
  return q * res;
}

timestamp align_up(timestamp t, duration res) {
  const timestamp d = align_down(t, res);
  return d == t ? t : d + res;
}

error validate(const window_config& c) {
  if (c.tiers.empty()) return invalid("tiers: at least one tier is required");
  if (c.lateness < 0) return invalid("lateness: must not be negative");
  for (std::size_t i = 0; i < c.tiers.size(); ++i) {
    const auto& t = c.tiers[i];
    const std::string at = "tiers[" + std::to_string(i) + "]";
    if (t.resolution <= 0) return invalid(at + ".resolution: must be positive");
    if (t.retention < t.resolution) return invalid(at + ".retention: must be >= its resolution");
    if (i == 0) continue;
    const auto& finer = c.tiers[i - 1];
    if (t.resolution % finer.resolution != 0)
      return invalid(at + ".resolution: must be a multiple of the finer tier's");
    if (t.resolution <= finer.resolution)
      return invalid(at + ".resolution: must be coarser than the finer tier's");
    if (t.retention <= finer.retention)
      return invalid(at + ".retention: must be longer than the finer tier's");
    if (finer.retention < t.resolution)
      return invalid("tiers[" + std::to_string(i - 1) + "].retention: must be >= tiers["
                     + std::to_string(i) + "].resolution (roll-ups are built from it)");
  }
  return {};
}

window_store::window_store(window_config cfg) : cfg_(std::move(cfg)), tiers_(cfg_.tiers.size()) {}

window_store window_store::restore(window_config cfg, const std::vector<closed_window>& windows,
                                   const store_meta& meta, timestamp resumed_at) {
  window_store s{std::move(cfg)};
  if (meta.closed_until == never) return s; // it had seen nothing: nothing was lost either
  const duration res = s.cfg_.resolution();
  s.started_ = true;
  s.closed_until_ = meta.closed_until;
  s.watermark_ = meta.closed_until + s.cfg_.lateness; // least watermark that gives this frontier
  s.tracked_since_ = meta.tracked_since;
  s.late_ = meta.late;
  s.gaps_ = meta.gaps;
  for (const auto& w : windows) {
    for (std::size_t i = 0; i < s.tiers_.size(); ++i) {
      // Partial roll-ups are not trusted: rebuilt below from the finer tier.
      if (s.cfg_.tiers[i].resolution == w.resolution && w.start + w.resolution <= s.closed_until_)
        s.tiers_[i].windows[w.start] = w.value;
    }
  }
  s.rebuild_rollups();
  // The open windows died with the process; data for them may arrive again, but the windows
  // can never be known complete.
  const timestamp lost_to = std::max(align_up(resumed_at, res), s.closed_until_ + res);
  s.gaps_.push_back({s.closed_until_, lost_to});
  s.prune();
  return s;
}

bool window_store::add(const observation& o) {
  if (!started_) {
    advance(o.at);
  } else if (o.at < watermark_ - cfg_.lateness) {
    ++late_;
    return false;
  }
  open_[align_down(o.at, cfg_.resolution())].add(o, cfg_.max_exemplars);
  advance(o.at);
  return true;
}

std::size_t window_store::add_batch(const std::vector<observation>& batch) {
  std::size_t late = 0;
  for (const auto& o : batch)
    if (!add(o)) ++late;
  return late;
}

void window_store::advance(timestamp w) {
  const duration res = cfg_.resolution();
  if (!started_) {
    started_ = true;
    watermark_ = w;
    // Windows before this might have lost data to lateness before we existed; they count as
    // "before tracking" (empty, not missing).
    tracked_since_ = align_up(w - cfg_.lateness, res);
    closed_until_ = align_down(w - cfg_.lateness, res);
    return;
  }
  if (w <= watermark_) return;
  watermark_ = w;
  const timestamp frontier = align_down(w - cfg_.lateness, res);
  if (frontier <= closed_until_) return;
  close_through(frontier);
  closed_until_ = frontier;
  prune();
}

void window_store::close_through(timestamp frontier) {
  const duration res = cfg_.resolution();
  while (!open_.empty() && open_.begin()->first + res <= frontier) {
    auto node = open_.extract(open_.begin());
    for (std::size_t i = 1; i < tiers_.size(); ++i)
      tiers_[i].windows[align_down(node.key(), cfg_.tiers[i].resolution)].merge(
          node.mapped(), cfg_.max_exemplars);
    pending_.push_back({node.key(), res, node.mapped()});
    tiers_[0].windows.emplace(node.key(), std::move(node.mapped()));
  }
  // Roll-ups whose last fine window just closed are complete now.
  for (std::size_t i = 1; i < tiers_.size(); ++i) {
    const duration r = cfg_.tiers[i].resolution;
    auto& ws = tiers_[i].windows;
    auto it = closed_until_ == never ? ws.begin() : ws.lower_bound(closed_until_ - r + 1);
    for (; it != ws.end() && it->first + r <= frontier; ++it)
      if (it->first + r > closed_until_) pending_.push_back({it->first, r, it->second});
  }
}

void window_store::prune() {
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    const auto& t = cfg_.tiers[i];
    const timestamp cut = align_down(closed_until_ - t.retention, t.resolution);
    auto& ts = tiers_[i];
    if (cut <= ts.kept_from) continue;
    ts.kept_from = cut;
    ts.windows.erase(ts.windows.begin(), ts.windows.lower_bound(cut));
  }
  const timestamp oldest = tiers_.back().kept_from;
  gaps_.erase(std::remove_if(gaps_.begin(), gaps_.end(),
                             [oldest](const gap& g) { return g.to <= oldest; }),
              gaps_.end());
}

void window_store::rebuild_rollups() {
  for (std::size_t i = 1; i < tiers_.size(); ++i) {
    const timestamp start = align_down(closed_until_, cfg_.tiers[i].resolution);
    auto& ws = tiers_[i].windows;
    ws.erase(start);
    if (start == closed_until_) continue; // no roll-up in progress
    const auto& finer = tiers_[i - 1].windows;
    window_value v;
    for (auto it = finer.lower_bound(start); it != finer.end() && it->first < closed_until_; ++it)
      v.merge(it->second, cfg_.max_exemplars);
    if (!v.empty()) ws[start] = std::move(v);
  }
}

bool window_store::hits_gap(timestamp from, timestamp to) const {
  return std::any_of(gaps_.begin(), gaps_.end(),
                     [&](const gap& g) { return g.from < to && from < g.to; });
}

store_meta window_store::meta() const {
  return {closed_until_, tracked_since_, late_, gaps_};
}

std::vector<closed_window> window_store::take_closed() { return std::exchange(pending_, {}); }

range_sum window_store::sum(timestamp from, timestamp to) const {
  range_sum r;
  const duration res = cfg_.resolution();
  from = align_down(from, res);
  to = align_up(to, res);
  r.covered_from = from;
  r.covered_to = std::max(from, to);
  r.closed_until = closed_until_;
  if (!started_) {
    r.known = false;
    r.complete = false;
    return r;
  }
  const timestamp closed_end = std::min(to, closed_until_);
  // Tier i answers [lo_i, hi_i): from where it is still kept (rounded up to the coarser tier's
  // grid, so that no coarser window overlaps a finer one) up to where the finer tier begins.
  timestamp hi = closed_until_;
  for (std::size_t i = 0; i < tiers_.size() && from < closed_end; ++i) {
    const bool last = i + 1 == tiers_.size();
    const timestamp kept = tiers_[i].kept_from;
    timestamp lo = (last || kept == never) ? kept : align_up(kept, cfg_.tiers[i + 1].resolution);
    lo = std::min(lo, hi);
    const timestamp a = std::max(from, lo), b = std::min(closed_end, hi);
    if (a < b) {
      const duration step = cfg_.tiers[i].resolution;
      const timestamp first = align_down(a, step);
      r.covered_from = std::min(r.covered_from, first);
      const auto& ws = tiers_[i].windows;
      for (auto it = ws.lower_bound(first); it != ws.end() && it->first < b; ++it) {
        r.value.merge(it->second, cfg_.max_exemplars);
        r.covered_to = std::max(r.covered_to, it->first + step);
      }
    }
    hi = lo;
    if (last && from < lo && std::max(from, tracked_since_) < std::min(lo, closed_end))
      r.complete = false; // dropped by retention after tracking began
  }
  const timestamp open_from = std::max(from, closed_until_);
  for (auto it = open_.lower_bound(open_from); it != open_.end() && it->first < to; ++it)
    r.value.merge(it->second, cfg_.max_exemplars);
  if (hits_gap(r.covered_from, r.covered_to)) r.complete = false;
  return r;
}

} // namespace tocsin::domain
