// Polling for tests: wait until a condition holds, with a generous deadline, instead of sleeping a
// fixed time (the machine running the suite may be loaded). Test-only; call from the test thread.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace tocsin::test {

/// Polls `cond` every `every` until it holds or `timeout` passes; looks once more at the deadline
/// so a condition that became true while the test thread slept still counts.
inline bool eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::seconds{20},
                       std::chrono::milliseconds every = std::chrono::milliseconds{10}) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (cond())
      return true;
    std::this_thread::sleep_for(every);
  }
  return cond();
}

} // namespace tocsin::test
