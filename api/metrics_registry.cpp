// Text format 0.0.4: `# HELP`, `# TYPE`, then `name{label="value"} number` lines; histograms as
// cumulative `_bucket{le=...}` lines plus `_sum` and `_count`.
#include "api/metrics_registry.hpp"

#include <charconv>
#include <cmath>

namespace tocsin::api {

namespace {

constexpr std::string_view prefix = "tocsin_";

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  std::to_chars_result r;
  // Counts print as integers (exact below 2^53); the rest in the shortest round-trip form.
  if (v == std::floor(v) && std::fabs(v) < 9.0e15)
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
  else
    r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out += c;
  }
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const metric_labels& labels, const std::pair<std::string, std::string>* extra,
                   double value) {
  out.append(prefix).append(name).append(suffix);
  if (!labels.empty() || extra) {
    out += '{';
    bool first = true;
    auto label = [&](const std::pair<std::string, std::string>& l) {
      if (!first)
        out += ',';
      first = false;
      out.append(l.first).append("=\"");
      append_escaped(out, l.second, true);
      out += '"';
    };
    for (const auto& l : labels)
      label(l);
    if (extra)
      label(*extra);
    out += '}';
  }
  out += ' ';
  append_number(out, value);
  out += '\n';
}

std::string le_text(double bound) {
  std::string s;
  append_number(s, bound);
  return s;
}

} // namespace

metric_writer::family& metric_writer::at(std::string_view name, std::string_view help, kind type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), family{type, std::string(help), {}}).first;
    order_.emplace_back(name);
  }
  return it->second;
}

void metric_writer::counter(std::string_view name, std::string_view help, double value,
                            metric_labels labels) {
  append_sample(at(name, help, kind::counter).body, name, "", labels, nullptr, value);
}

void metric_writer::gauge(std::string_view name, std::string_view help, double value,
                          metric_labels labels) {
  append_sample(at(name, help, kind::gauge).body, name, "", labels, nullptr, value);
}

void metric_writer::histogram(std::string_view name, std::string_view help,
                              const histogram_value& h, metric_labels labels) {
  auto& body = at(name, help, kind::histogram).body;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    std::pair<std::string, std::string> le{
      "le", i < h.bounds.size() ? le_text(h.bounds[i]) : std::string("+Inf")};
    append_sample(body, name, "_bucket", labels, &le, static_cast<double>(cumulative));
  }
  if (h.counts.size() <= h.bounds.size()) { // malformed input: +Inf must still be there
    std::pair<std::string, std::string> le{"le", "+Inf"};
    append_sample(body, name, "_bucket", labels, &le, static_cast<double>(cumulative));
  }
  append_sample(body, name, "_sum", labels, nullptr, h.sum);
  append_sample(body, name, "_count", labels, nullptr, static_cast<double>(cumulative));
}

std::string metric_writer::text() const {
  std::string out;
  for (const auto& name : order_) {
    const auto& f = families_.find(name)->second;
    out.append("# HELP ").append(prefix).append(name).append(" ");
    append_escaped(out, f.help, false);
    out.append("\n# TYPE ").append(prefix).append(name).append(" ");
    out.append(f.type == kind::counter ? "counter" : f.type == kind::gauge ? "gauge" : "histogram");
    out += '\n';
    out += f.body;
  }
  return out;
}

metrics_registry::registration&
metrics_registry::registration::operator=(registration&& o) noexcept {
  if (this != &o) {
    reset();
    registry_ = o.registry_;
    id_ = o.id_;
    o.registry_ = nullptr;
  }
  return *this;
}

void metrics_registry::registration::reset() {
  if (registry_)
    registry_->remove(id_);
  registry_ = nullptr;
}

metrics_registry::registration metrics_registry::add(std::string name, collector c) {
  std::lock_guard<std::mutex> guard(mu_);
  auto id = next_id_++;
  collectors_.emplace(id, std::pair{std::move(name), std::move(c)});
  return {this, id};
}

void metrics_registry::remove(std::uint64_t id) {
  // Waits for a scrape in progress: once this returns the collector never runs again.
  std::lock_guard<std::mutex> guard(mu_);
  collectors_.erase(id);
}

std::string metrics_registry::render() const {
  metric_writer w;
  std::lock_guard<std::mutex> guard(mu_);
  for (const auto& [id, entry] : collectors_)
    entry.second(w);
  return w.text();
}

} // namespace tocsin::api
