#include "domain/cost_rollup.hpp"

#include "domain/window.hpp"

namespace tocsin::domain {

bool cost_rollup::add(timestamp start, double value) {
  const timestamp w = align_down(start, window_);
  if (w < st_.closed_until)
    return false;
  st_.open[w] += value;
  return true;
}

std::vector<std::pair<timestamp, double>> cost_rollup::close(timestamp frontier) {
  std::vector<std::pair<timestamp, double>> out;
  const timestamp until = align_down(frontier, window_);
  auto it = st_.open.begin();
  for (; it != st_.open.end() && it->first + window_ <= frontier; ++it)
    out.emplace_back(it->first, it->second);
  st_.open.erase(st_.open.begin(), it);
  if (until > st_.closed_until)
    st_.closed_until = until;
  return out;
}

} // namespace tocsin::domain
