// Telemetry -> keyed observations: span grouping, metric temporality, log levels, signals.
#include "domain/telemetry_observations.hpp"

#include <string_view>
#include <unordered_map>
#include <utility>

namespace tocsin::domain {
namespace {

// One (service, name, kind) of a span batch. Views into the batch's spans, which outlive the
// grouping pass.
struct span_group {
  std::string_view service;
  std::string_view name;
  std::int32_t kind = 0;
  std::uint32_t count = 0;
  bool same(const span_record& s) const {
    return s.kind == kind && s.span_name.size() == name.size() && s.span_name == name
           && s.service_name == service;
  }
};

using view_pair = std::pair<std::string_view, std::string_view>;

struct group_view_hash {
  std::size_t operator()(const view_pair& v) const {
    return std::hash<std::string_view>{}(v.second) * 31 + std::hash<std::string_view>{}(v.first);
  }
};

// Finds groups with a linear scan while there are few (the usual case: a handful of span names
// per service), then through a hash index so a batch of all-distinct names stays linear.
class span_grouper {
public:
  std::uint32_t group_of(const span_record& s) {
    if (groups_.size() <= linear_limit) {
      for (std::uint32_t i = 0; i < groups_.size(); ++i)
        if (groups_[i].same(s)) return hit(i);
      return add(s);
    }
    auto range = index_.equal_range(view_pair(s.service_name, s.span_name));
    for (auto it = range.first; it != range.second; ++it)
      if (groups_[it->second].kind == s.kind) return hit(it->second);
    return add(s);
  }
  const std::vector<span_group>& groups() const { return groups_; }

private:
  static constexpr std::size_t linear_limit = 16;

  std::uint32_t hit(std::uint32_t i) {
    ++groups_[i].count;
    return i;
  }
  std::uint32_t add(const span_record& s) {
    const auto i = static_cast<std::uint32_t>(groups_.size());
    groups_.push_back({s.service_name, s.span_name, s.kind, 1});
    if (groups_.size() == linear_limit + 1) {
      for (std::uint32_t j = 0; j < groups_.size(); ++j)
        index_.emplace(view_pair(groups_[j].service, groups_[j].name), j);
    } else if (groups_.size() > linear_limit + 1) {
      index_.emplace(view_pair(groups_[i].service, groups_[i].name), i);
    }
    return i;
  }

  std::vector<span_group> groups_;
  std::unordered_multimap<view_pair, std::uint32_t, group_view_hash> index_;
};

exemplar span_exemplar(const span_record& s, timestamp latency) {
  exemplar e;
  e.trace_id = to_hex(s.trace_id);
  e.span_id = to_hex(s.span_id);
  e.artifact_id = s.artifact_id;
  e.agent_id = s.agent_id;
  e.skill_id = s.skill_id;
  e.value = static_cast<double>(latency) / static_cast<double>(nanos_per_milli);
  e.at = static_cast<timestamp>(s.end_unix_nano);
  return e;
}

void reject(telemetry_items& out, std::uint64_t n, std::string_view reason) {
  if (n == 0) return;
  out.rejected += n;
  if (out.rejected_reason.find(reason) != std::string::npos) return;
  if (!out.rejected_reason.empty()) out.rejected_reason += "; ";
  out.rejected_reason += reason;
}

void observe_span_batch(const std::string& tenant, span_batch& b, telemetry_items& out) {
  span_grouper grouper;
  std::vector<std::uint32_t> group_of(b.spans.size());
  for (std::size_t i = 0; i < b.spans.size(); ++i) group_of[i] = grouper.group_of(b.spans[i]);
  const std::size_t base = out.series.size();
  for (const auto& g : grouper.groups()) {
    auto& ko = out.series.emplace_back();
    ko.key = span_series(tenant, std::string(g.service), std::string(g.name), g.kind);
    ko.hash = series_hash(ko.key);
    ko.observations.reserve(g.count);
  }
  for (std::size_t i = 0; i < b.spans.size(); ++i) {
    auto& s = b.spans[i];
    const auto latency = static_cast<timestamp>(s.duration_nano());
    const auto end = static_cast<timestamp>(s.end_unix_nano);
    auto& obs = out.series[base + group_of[i]].observations;
    if (s.is_error())
      obs.push_back(span_observation(end, latency, true, span_exemplar(s, latency)));
    else
      obs.push_back(span_observation(end, latency, false));
    // Error spans of an artifact too: the feedback loop folds them per artifact and window.
    if (!s.feedback_category.empty() || (s.is_error() && !s.artifact_id.empty()))
      out.signal_spans.push_back(std::move(s));
  }
  out.accepted += b.spans.size();
}

void observe_point(const std::string& tenant, const std::string& source, metric_point& p,
                   telemetry_items& out) {
  const bool cumulative = p.temporality == temporality::cumulative;
  if (p.kind != metric_kind::gauge && !cumulative && p.temporality != temporality::delta) {
    reject(out, 1, unspecified_temporality_reason);
    return;
  }
  ++out.accepted;
  if (!p.has_value) return; // a staleness marker: nothing to count
  const auto at = static_cast<timestamp>(p.time_unix_nano);
  auto& ko = out.series.emplace_back();
  ko.key = metric_series(tenant, std::move(p.name), std::move(p.attributes));
  ko.hash = series_hash(ko.key);
  if (cumulative) {
    ko.source = source;
    cumulative_sample c;
    c.start_time = static_cast<timestamp>(p.start_unix_nano);
    c.time = at;
    c.histogram = p.kind == metric_kind::histogram;
    c.value = c.histogram ? static_cast<double>(p.count) : p.value;
    c.sum = c.histogram && p.has_sum ? p.sum : 0;
    ko.cumulative.push_back(c);
    return;
  }
  if (p.kind == metric_kind::histogram) {
    observation o = metric_observation(at, p.has_sum ? p.sum : 0);
    o.calls = p.count;
    ko.observations.push_back(std::move(o));
    return;
  }
  ko.observations.push_back(metric_observation(at, p.value));
}

std::optional<exemplar> log_exemplar(const log_record& r, timestamp at) {
  if (is_zero(r.trace_id)) return std::nullopt;
  exemplar e;
  e.trace_id = to_hex(r.trace_id);
  if (!is_zero(r.span_id)) e.span_id = to_hex(r.span_id);
  e.artifact_id = r.artifact_id;
  e.agent_id = r.agent_id;
  e.skill_id = r.skill_id;
  e.at = at;
  return e;
}

// Records of one (service, level): a batch rarely mixes more than a few, so a linear search.
keyed_observations& log_group(const std::string& tenant, const log_record& r, std::size_t base,
                              telemetry_items& out) {
  const log_level level = level_of(r.severity_number);
  for (std::size_t i = base; i < out.series.size(); ++i) {
    auto& k = out.series[i].key;
    if (k.level == level && k.service == r.service_name) return out.series[i];
  }
  auto& ko = out.series.emplace_back();
  ko.key = log_series(tenant, r.service_name, level);
  ko.hash = series_hash(ko.key);
  return ko;
}

} // namespace

std::uint64_t telemetry_items::items() const {
  std::uint64_t n = 0;
  for (const auto& s : series) n += s.size();
  return n;
}

void observe_spans(const std::string& tenant, std::vector<span_batch>&& batches,
                   telemetry_items& out) {
  for (auto& b : batches) observe_span_batch(tenant, b, out);
}

void observe_metrics(const std::string& tenant, std::vector<metric_batch>&& batches,
                     telemetry_items& out) {
  for (auto& b : batches) {
    reject(out, b.unsupported_points, unsupported_points_reason);
    for (auto& p : b.points) observe_point(tenant, b.service_name, p, out);
  }
}

void observe_logs(const std::string& tenant, std::vector<log_batch>&& batches,
                  telemetry_items& out) {
  for (auto& b : batches) {
    const std::size_t base = out.series.size();
    for (auto& r : b.records) {
      const std::uint64_t t = r.time_unix_nano != 0 ? r.time_unix_nano : r.observed_unix_nano;
      if (t == 0) {
        reject(out, 1, untimed_record_reason);
        continue;
      }
      ++out.accepted;
      const auto at = static_cast<timestamp>(t);
      log_group(tenant, r, base, out).observations.push_back(
          log_observation(at, log_exemplar(r, at)));
      if (!r.feedback_category.empty()) out.signal_logs.push_back(std::move(r));
    }
  }
}

telemetry_items observe_spans(const std::string& tenant, std::vector<span_batch> batches) {
  telemetry_items out;
  observe_spans(tenant, std::move(batches), out);
  return out;
}

telemetry_items observe_metrics(const std::string& tenant, std::vector<metric_batch> batches) {
  telemetry_items out;
  observe_metrics(tenant, std::move(batches), out);
  return out;
}

telemetry_items observe_logs(const std::string& tenant, std::vector<log_batch> batches) {
  telemetry_items out;
  observe_logs(tenant, std::move(batches), out);
  return out;
}

} // namespace tocsin::domain
