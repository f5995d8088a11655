// tocsin-loadgen's figures: live counters (written by the driver thread, read once a second by
// the progress thread, hence atomics), the run's result, and how both are printed.
#pragma once

#include "options.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tocsin::loadgen {

struct live_counters {
  std::atomic<std::uint64_t> requests{0};       // distinct requests started (retries excluded)
  std::atomic<std::uint64_t> spans_sent{0};     // spans in those requests
  std::atomic<std::uint64_t> spans_accepted{0}; // answered OK, minus partial_success rejections
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> errors{0};         // failed calls not retried
  std::atomic<std::uint32_t> in_flight{0};
};

struct run_result {
  double seconds = 0; // from the first send to the last answer
  std::uint64_t requests = 0;
  std::uint64_t spans_sent = 0;
  std::uint64_t spans_accepted = 0;
  std::uint64_t spans_rejected = 0; // partial_success.rejected_spans
  std::uint64_t spans_failed = 0;   // in requests that failed or were still backing off at the end
  std::uint64_t retries = 0;
  std::uint64_t errors = 0;
  std::map<std::string, std::uint64_t> retries_by_code; // status code name -> count
  std::map<std::string, std::uint64_t> errors_by_code;
  std::string first_error;          // "CODE: message" of the first non-retried failure
  std::string rejection_message;    // first partial_success.error_message
  std::vector<std::uint32_t> latency_us; // per successful call (last attempt)
  std::size_t request_bytes = 0;    // of one request, for the record
};

struct latency_summary {
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};
/// Percentiles by nearest rank; zeros when there is no sample.
latency_summary summarize(std::vector<std::uint32_t> latency_us);

void print_text(std::ostream& out, const options& o, const run_result& r);
void print_json(std::ostream& out, const options& o, const run_result& r);

/// Prints one progress line a second to stderr until stopped (or destroyed).
class progress_printer {
public:
  explicit progress_printer(const live_counters& c);
  ~progress_printer();
  void stop();

private:
  void loop();

  const live_counters& c_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace tocsin::loadgen
