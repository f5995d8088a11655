// In-memory tail of the aggregate index (see pending_index.hpp).
#include "persistence/pending_index.hpp"

#include <algorithm>
#include <tuple>

namespace tocsin::persistence {

void pending_index::add(const std::vector<keyed_index_entry>& entries) {
  if (entries.empty())
    return;
  std::lock_guard<std::mutex> guard(mu_);
  for (const auto& e : entries)
    map_[e.id].push_back(index_entry{e.sequence, e.offset});
  count_.fetch_add(entries.size(), std::memory_order_relaxed);
}

std::optional<std::uint64_t> pending_index::last_sequence(const keys::aggregate_key& id) const {
  auto i = map_.find(id);
  if (i == map_.end() || i->second.empty())
    return std::nullopt;
  return i->second.back().sequence;
}

std::optional<std::uint64_t> pending_index::newest(const keys::aggregate_key& id) const {
  std::lock_guard<std::mutex> guard(mu_);
  return last_sequence(id);
}

void pending_index::collect_sorted(std::vector<keyed_index_entry>& out) const {
  out.clear();
  out.reserve(size());
  for (const auto& [id, list] : map_)
    for (const auto& e : list)
      out.push_back(keyed_index_entry{id, e.sequence, e.offset});
  std::sort(out.begin(), out.end(), [](const keyed_index_entry& a, const keyed_index_entry& b) {
    return std::tie(a.id, a.sequence) < std::tie(b.id, b.sequence);
  });
}

std::vector<keys::aggregate_key> pending_index::ids() const {
  std::lock_guard<std::mutex> guard(mu_);
  std::vector<keys::aggregate_key> out;
  out.reserve(map_.size());
  for (const auto& [id, list] : map_)
    out.push_back(id);
  return out;
}

void pending_index::clear() {
  std::lock_guard<std::mutex> guard(mu_);
  map_.clear();
  count_.store(0, std::memory_order_relaxed);
}

std::vector<index_entry> pending_index::copy(const keys::aggregate_key& id,
                                             std::uint64_t from_sequence) const {
  std::vector<index_entry> out;
  std::lock_guard<std::mutex> guard(mu_);
  auto i = map_.find(id);
  if (i == map_.end())
    return out;
  const auto& list = i->second;
  auto first = std::lower_bound(list.begin(), list.end(), from_sequence,
                                [](const index_entry& e, std::uint64_t s) { return e.sequence < s; });
  out.assign(first, list.end());
  return out;
}

} // namespace tocsin::persistence
