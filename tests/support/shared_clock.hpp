// A manual clock that actor threads may read while the test thread moves it (domain::
// manual_clock is not thread-safe). Test-only.
#pragma once

#include "domain/time.hpp"

#include <atomic>

namespace tocsin::test {

class shared_clock final : public domain::clock {
public:
  /// The same start as domain::manual_clock (2023-11-14, a whole second).
  static constexpr domain::timestamp default_start = 1'700'000'000 * domain::nanos_per_second;

  explicit shared_clock(domain::timestamp start = default_start) : now_(start) {}
  domain::timestamp now() const override { return now_.load(std::memory_order_acquire); }
  void advance(domain::timestamp by) { now_.fetch_add(by, std::memory_order_acq_rel); }
  void set(domain::timestamp t) { now_.store(t, std::memory_order_release); }

private:
  std::atomic<domain::timestamp> now_;
};

} // namespace tocsin::test
