// Time as the domain sees it: a plain count of nanoseconds since the Unix epoch, and an injected
// clock interface. Pure; safe to include anywhere. The wall-clock implementation lives in actors/.
#pragma once

#include <cstdint>

namespace tocsin::domain {

/// Nanoseconds since 1970-01-01T00:00:00Z. 0 means "never".
using timestamp = std::int64_t;

constexpr timestamp nanos_per_milli = 1'000'000;
constexpr timestamp nanos_per_second = 1'000'000'000;

/// Source of "now". Aggregates never read the clock themselves: callers pass `now` in.
class clock {
public:
  virtual ~clock() = default;
  virtual timestamp now() const = 0;
};

/// A clock that only moves when told to; for tests and deterministic replays. Not thread-safe.
class manual_clock final : public clock {
public:
  explicit manual_clock(timestamp start = 1'700'000'000 * nanos_per_second) : now_(start) {}
  timestamp now() const override { return now_; }
  void advance(timestamp by) { now_ += by; }
  void set(timestamp t) { now_ = t; }

private:
  timestamp now_;
};

} // namespace tocsin::domain
