// SLO definitions: defaults, validation, and the ratio arithmetic.
#include "domain/slo.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace tocsin::domain {
namespace {

constexpr duration minute = 60 * nanos_per_second;
constexpr duration hour = 60 * minute;
constexpr duration day = 24 * hour;

constexpr std::string_view measure_names[] = {"count", "errors", "ok", "sum"};

error invalid(const std::string& what) { return make_error(errc::invalid_argument, what); }

// Which measures make sense for which kind of series.
bool fits(const series_selector& s) {
  switch (s.key.kind) {
  case series_kind::span: return s.what != measure::sum;
  case series_kind::metric: return s.what == measure::sum || s.what == measure::count;
  case series_kind::log: return s.what == measure::count;
  }
  return false;
}

error validate_selector(const series_selector& s, const std::string& at,
                        const std::string& tenant) {
  if (s.key.tenant != tenant) return invalid(at + ".tenant: must be the SLO's tenant");
  if (s.key.kind != series_kind::metric && s.key.service.empty())
    return invalid(at + ".service: required");
  if (s.key.kind != series_kind::log && s.key.name.empty()) return invalid(at + ".name: required");
  if (!fits(s))
    return invalid(at + ".measure: " + std::string(to_string(s.what)) + " does not apply to a "
                   + std::string(to_string(s.key.kind)) + " series");
  return {};
}

} // namespace

std::string_view to_string(measure m) { return measure_names[static_cast<int>(m)]; }

std::optional<measure> parse_measure(std::string_view s) {
  for (std::size_t i = 0; i < std::size(measure_names); ++i)
    if (measure_names[i] == s) return static_cast<measure>(i);
  return std::nullopt;
}

bool operator==(const slo_definition& a, const slo_definition& b) {
  return std::tie(a.id, a.tenant, a.name, a.service, a.description, a.ratio, a.target, a.window,
                  a.budgeting, a.conditions, a.allowed_staleness)
         == std::tie(b.id, b.tenant, b.name, b.service, b.description, b.ratio, b.target,
                     b.window, b.budgeting, b.conditions, b.allowed_staleness);
}

std::vector<alert_condition> default_conditions() {
  return {{"page-1h", severity::high, hour, 5 * minute, 14.4},
          {"page-6h", severity::high, 6 * hour, 30 * minute, 6},
          {"ticket-1d", severity::warning, day, 2 * hour, 3},
          {"ticket-3d", severity::warning, 3 * day, 6 * hour, 1}};
}

const std::vector<alert_condition>& effective_conditions(const slo_definition& d) {
  static const std::vector<alert_condition> defaults = default_conditions();
  return d.conditions.empty() ? defaults : d.conditions;
}

std::optional<domain::severity> parse_alert_severity(std::string_view s) {
  if (s == "page") return severity::high;
  if (s == "ticket") return severity::warning;
  return parse_severity(s);
}

error validate(const slo_definition& d) {
  if (d.id.empty()) return invalid("id: required");
  if (d.tenant.empty()) return invalid("tenant: required");
  if (!(d.target > 0 && d.target < 1)) return invalid("target: must be in (0, 1)");
  if (d.window <= 0) return invalid("window: must be positive");
  if (d.allowed_staleness <= 0) return invalid("allowed_staleness: must be positive");
  if (d.ratio.good.has_value() == d.ratio.bad.has_value())
    return invalid("ratio: exactly one of good and bad is required");
  if (auto e = validate_selector(d.ratio.total, "ratio.total", d.tenant); e.code != errc::ok)
    return e;
  const bool has_good = d.ratio.good.has_value();
  const auto& part = has_good ? *d.ratio.good : *d.ratio.bad;
  if (auto e = validate_selector(part, has_good ? "ratio.good" : "ratio.bad", d.tenant);
      e.code != errc::ok)
    return e;
  for (std::size_t i = 0; i < d.conditions.size(); ++i) {
    const auto& c = d.conditions[i];
    const std::string at = "conditions[" + std::to_string(i) + "]";
    if (c.name.empty()) return invalid(at + ".name: required");
    for (std::size_t j = 0; j < i; ++j)
      if (d.conditions[j].name == c.name) return invalid(at + ".name: duplicate '" + c.name + "'");
    if (c.long_window <= 0) return invalid(at + ".long_window: must be positive");
    if (c.short_window <= 0) return invalid(at + ".short_window: must be positive");
    if (c.short_window > c.long_window)
      return invalid(at + ".short_window: must not be longer than long_window");
    if (!(c.threshold > 0) || !std::isfinite(c.threshold))
      return invalid(at + ".threshold: must be a positive number");
  }
  return {};
}

range_sum store_query::sum(const series_key& key, timestamp from, timestamp to) const {
  auto it = stores_.find(key);
  if (it != stores_.end()) return it->second->sum(from, to);
  range_sum r;
  r.known = false;
  r.complete = false;
  return r;
}

double quantity(const window_value& v, measure m) {
  switch (m) {
  case measure::count: return static_cast<double>(v.calls);
  case measure::errors: return static_cast<double>(v.errors);
  case measure::ok: return static_cast<double>(v.calls - std::min(v.errors, v.calls));
  case measure::sum: return from_fixed(v.sum);
  }
  return 0;
}

ratio_counts count_ratio(const ratio_metric& r, const series_query& q, timestamp from,
                         timestamp to, std::size_t max_exemplars) {
  ratio_counts c;
  c.closed_until = std::numeric_limits<timestamp>::max();
  auto take = [&](const series_selector& s) {
    range_sum rs = q.sum(s.key, from, to);
    c.complete = c.complete && rs.complete;
    c.known = c.known && rs.known;
    c.closed_until = std::min(c.closed_until, rs.closed_until);
    return rs;
  };
  const range_sum total = take(r.total);
  c.total = quantity(total.value, r.total.what);
  const range_sum part = (r.good && r.good->key == r.total.key) ? total
                         : (r.bad && r.bad->key == r.total.key)  ? total
                                                                 : take(r.good ? *r.good : *r.bad);
  if (r.good) {
    c.good = std::clamp(quantity(part.value, r.good->what), 0.0, std::max(c.total, 0.0));
    c.bad = c.total - c.good;
    c.exemplars = total.value.exemplars;
  } else {
    c.bad = std::clamp(quantity(part.value, r.bad->what), 0.0, std::max(c.total, 0.0));
    c.good = c.total - c.bad;
    c.exemplars = part.value.exemplars;
  }
  if (c.exemplars.size() > max_exemplars) c.exemplars.resize(max_exemplars);
  return c;
}

std::optional<double> sli(const ratio_counts& c) {
  if (c.total <= 0) return std::nullopt;
  return c.good / c.total;
}

double burn_rate(double bad, double total, double target) {
  if (total <= 0) return 0;
  return (bad / total) / (1 - target);
}

double budget_remaining(double bad, double total, double target) {
  return 1 - burn_rate(bad, total, target);
}

} // namespace tocsin::domain
