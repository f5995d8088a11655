// Self-observability: components register collectors (functions that append their current
// values) and the OTLP HTTP listener renders them as Prometheus text format 0.0.4 on /metrics.
// Owned by tocsind (or a test), outliving every registration. Thread-safe: registration from
// any thread; render() calls each collector on the scraping thread, one scrape at a time, so a
// collector may read atomics or take its component's lock but must not block for long.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::api {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

/// A histogram as its owner keeps it: counts per bucket (not cumulative), bucket upper bounds
/// ascending (in the metric's unit, e.g. seconds), one more count than bounds for +Inf.
struct histogram_value {
  std::vector<double> bounds;
  std::vector<std::uint64_t> counts;
  double sum = 0;
};

/// Collects the samples of one scrape. Names are given without the `tocsin_` prefix (added on
/// output); the same name from several collectors becomes one family with one HELP/TYPE.
/// Counter names should end in `_total`.
class metric_writer {
public:
  void counter(std::string_view name, std::string_view help, double value,
               metric_labels labels = {});
  void gauge(std::string_view name, std::string_view help, double value,
             metric_labels labels = {});
  void histogram(std::string_view name, std::string_view help, const histogram_value& h,
                 metric_labels labels = {});

  /// The text exposition of everything written so far, families in first-written order.
  std::string text() const;

private:
  enum class kind { counter, gauge, histogram };
  struct family {
    kind type = kind::gauge;
    std::string help;
    std::string body; // sample lines
  };
  family& at(std::string_view name, std::string_view help, kind type);

  std::vector<std::string> order_;
  std::map<std::string, family, std::less<>> families_;
};

class metrics_registry {
public:
  using collector = std::function<void(metric_writer&)>;

  /// Removes its collector when destroyed (before the component it reads goes away).
  class registration {
  public:
    registration() = default;
    registration(metrics_registry* r, std::uint64_t id) : registry_(r), id_(id) {}
    ~registration() { reset(); }
    registration(registration&& o) noexcept { *this = std::move(o); }
    registration& operator=(registration&& o) noexcept;
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
    void reset();

  private:
    metrics_registry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };

  /// `name` is for diagnostics only. Keep the returned handle while the collector may run.
  [[nodiscard]] registration add(std::string name, collector c);
  /// Runs every collector and renders the result (text format 0.0.4).
  std::string render() const;

  static constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

private:
  void remove(std::uint64_t id);

  mutable std::mutex mu_; // guards collectors_ and serialises scrapes
  std::map<std::uint64_t, std::pair<std::string, collector>> collectors_;
  std::uint64_t next_id_ = 1;
};

} // namespace tocsin::api
