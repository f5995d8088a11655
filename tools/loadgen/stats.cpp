#include "stats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace tocsin::loadgen {
namespace {

// 1234567 -> "1,234,567": throughput figures are read at a glance.
std::string grouped(std::uint64_t v) {
  auto s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string by_code(const std::map<std::string, std::uint64_t>& m) {
  std::string out;
  for (const auto& [code, n] : m)
    out += (out.empty() ? " (" : ", ") + code + " " + grouped(n);
  return out.empty() ? out : out + ")";
}

double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}

} // namespace

latency_summary summarize(std::vector<std::uint32_t> v) {
  latency_summary s;
  if (v.empty())
    return s;
  auto rank = [&](double q) {
    auto i = static_cast<std::size_t>(q * static_cast<double>(v.size()));
    i = std::min(i, v.size() - 1);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
    return v[i] / 1000.0;
  };
  s.p50_ms = rank(0.50);
  s.p90_ms = rank(0.90);
  s.p99_ms = rank(0.99);
  s.max_ms = *std::max_element(v.begin(), v.end()) / 1000.0;
  return s;
}

void print_text(std::ostream& out, const options& o, const run_result& r) {
  const auto l = summarize(r.latency_us);
  std::ostringstream rate;
  rate << std::fixed << std::setprecision(0) << o.rate;
  out << "tocsin-loadgen: " << o.endpoint << ", batch " << o.batch << ", concurrency "
      << o.concurrency << ", connections " << o.connections << ", rate "
      << (o.rate > 0 ? rate.str() + " spans/s" : "max") << ", " << o.attributes
      << " attributes, error ratio " << o.error_ratio << ", " << r.request_bytes
      << " bytes/request\n"
      << std::fixed << std::setprecision(2)
      << "  elapsed         " << r.seconds << " s\n"
      << "  spans sent      " << grouped(r.spans_sent) << " (" << grouped(r.requests)
      << " requests)\n"
      << "  spans accepted  " << grouped(r.spans_accepted) << "\n"
      << "  spans rejected  " << grouped(r.spans_rejected)
      << (r.rejection_message.empty() ? "" : " (" + r.rejection_message + ")") << "\n"
      << "  spans failed    " << grouped(r.spans_failed) << "\n"
      << "  throughput      "
      << grouped(static_cast<std::uint64_t>(per_second(r.spans_accepted, r.seconds)))
      << " spans/s accepted\n"
      << "  latency         p50 " << l.p50_ms << " ms, p90 " << l.p90_ms << " ms, p99 "
      << l.p99_ms << " ms, max " << l.max_ms << " ms\n"
      << "  retries         " << grouped(r.retries) << by_code(r.retries_by_code) << "\n"
      << "  errors          " << grouped(r.errors) << by_code(r.errors_by_code)
      << (r.first_error.empty() ? "" : "; first: " + r.first_error) << "\n";
}

void print_json(std::ostream& out, const options& o, const run_result& r) {
  const auto l = summarize(r.latency_us);
  nlohmann::json j = {
    {"endpoint", o.endpoint},
    {"batch", o.batch},
    {"concurrency", o.concurrency},
    {"connections", o.connections},
    {"rate", o.rate},
    {"attributes", o.attributes},
    {"error_ratio", o.error_ratio},
    {"request_bytes", r.request_bytes},
    {"seconds", r.seconds},
    {"requests", r.requests},
    {"spans_sent", r.spans_sent},
    {"spans_accepted", r.spans_accepted},
    {"spans_rejected", r.spans_rejected},
    {"spans_failed", r.spans_failed},
    {"spans_per_second", per_second(r.spans_accepted, r.seconds)},
    {"latency_ms", {{"p50", l.p50_ms}, {"p90", l.p90_ms}, {"p99", l.p99_ms}, {"max", l.max_ms}}},
    {"retries", r.retries},
    {"retries_by_code", r.retries_by_code},
    {"errors", r.errors},
    {"errors_by_code", r.errors_by_code},
    {"first_error", r.first_error},
    {"rejection_message", r.rejection_message},
  };
  out << j.dump(2) << "\n";
}

progress_printer::progress_printer(const live_counters& c) : c_(c), thread_([this] { loop(); }) {}

progress_printer::~progress_printer() { stop(); }

void progress_printer::stop() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void progress_printer::loop() {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_t = start;
  std::uint64_t last_accepted = 0;
  std::unique_lock<std::mutex> lock(m_);
  while (!cv_.wait_until(lock, last_t + std::chrono::seconds{1}, [this] { return stop_; })) {
    const auto now = clock::now();
    const auto accepted = c_.spans_accepted.load(std::memory_order_relaxed);
    const double dt = std::chrono::duration<double>(now - last_t).count();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    std::fprintf(stderr, "[%5.0fs] %12s spans/s | accepted %s | in flight %u | retries %s | "
                         "errors %s\n",
                 elapsed,
                 grouped(static_cast<std::uint64_t>(per_second(accepted - last_accepted, dt)))
                   .c_str(),
                 grouped(accepted).c_str(), c_.in_flight.load(std::memory_order_relaxed),
                 grouped(c_.retries.load(std::memory_order_relaxed)).c_str(),
                 grouped(c_.errors.load(std::memory_order_relaxed)).c_str());
    last_t = now;
    last_accepted = accepted;
  }
}

} // namespace tocsin::loadgen
