// Window content: observation constructors, exemplar ranking, add and merge.
#include "domain/window_value.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace tocsin::domain {
namespace {

auto rank(const exemplar& e) {
  return std::tie(e.trace_id, e.span_id, e.at, e.value, e.artifact_id, e.agent_id, e.skill_id);
}

void keep_lowest(std::vector<exemplar>& xs, std::size_t n) {
  std::sort(xs.begin(), xs.end(), exemplar_before);
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  if (xs.size() > n) xs.resize(n);
}

} // namespace

std::size_t latency_bucket(timestamp latency) {
  auto it = std::lower_bound(span_latency_bounds.begin(), span_latency_bounds.end(), latency);
  return static_cast<std::size_t>(it - span_latency_bounds.begin());
}

std::int64_t to_fixed(double value) {
  if (!std::isfinite(value)) return 0; // NaN/inf points carry no countable amount
  const double scaled = value * metric_scale;
  constexpr double lim = 9.2e18;
  if (scaled >= lim) return std::numeric_limits<std::int64_t>::max();
  if (scaled <= -lim) return std::numeric_limits<std::int64_t>::min();
  return std::llround(scaled);
}

double from_fixed(std::int64_t fixed) { return static_cast<double>(fixed) / metric_scale; }

observation span_observation(timestamp end, timestamp latency, bool error,
                             std::optional<exemplar> sample) {
  observation o;
  o.at = end;
  o.errors = error ? 1 : 0;
  o.sum = std::max<timestamp>(latency, 0);
  o.bucket = latency_bucket(o.sum);
  if (error) o.sample = std::move(sample);
  return o;
}

observation metric_observation(timestamp at, double value, std::optional<exemplar> sample) {
  observation o;
  o.at = at;
  o.sum = to_fixed(value);
  o.sample = std::move(sample);
  return o;
}

observation log_observation(timestamp at, std::optional<exemplar> sample) {
  observation o;
  o.at = at;
  o.sample = std::move(sample);
  return o;
}

bool exemplar_before(const exemplar& a, const exemplar& b) { return rank(a) < rank(b); }

void window_value::add(const observation& o, std::size_t max_exemplars) {
  calls += o.calls;
  errors += o.errors;
  sum += o.sum;
  if (o.bucket) {
    if (buckets.empty()) buckets.assign(span_bucket_count, 0);
    buckets[std::min(*o.bucket, span_bucket_count - 1)] += o.calls;
  }
  if (o.sample && max_exemplars > 0) {
    exemplars.push_back(*o.sample);
    keep_lowest(exemplars, max_exemplars);
  }
}

void window_value::merge(const window_value& other, std::size_t max_exemplars) {
  calls += other.calls;
  errors += other.errors;
  sum += other.sum;
  if (!other.buckets.empty()) {
    if (buckets.empty()) buckets.assign(other.buckets.size(), 0);
    for (std::size_t i = 0; i < other.buckets.size() && i < buckets.size(); ++i)
      buckets[i] += other.buckets[i];
  }
  if (!other.exemplars.empty()) {
    exemplars.insert(exemplars.end(), other.exemplars.begin(), other.exemplars.end());
    keep_lowest(exemplars, max_exemplars);
  }
}

std::optional<std::uint64_t> calls_within(const window_value& v, timestamp bound) {
  auto it = std::find(span_latency_bounds.begin(), span_latency_bounds.end(), bound);
  if (it == span_latency_bounds.end()) return std::nullopt;
  const auto last = static_cast<std::size_t>(it - span_latency_bounds.begin());
  std::uint64_t n = 0;
  for (std::size_t i = 0; i <= last && i < v.buckets.size(); ++i) n += v.buckets[i];
  return n;
}

} // namespace tocsin::domain
