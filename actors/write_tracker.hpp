// Store writes whose callback has not run yet, for the threads of the webhook senders (notifier,
// topic relays): stop() waits until their writes are durable. Shared (shared_ptr) with the
// callbacks, which run on the store's writer thread, so a late callback never touches a
// destroyed sender. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace tocsin::actors {

struct write_tracker {
  std::mutex mu;
  std::condition_variable cv;
  std::size_t outstanding = 0;

  void begin() {
    std::lock_guard<std::mutex> lock(mu);
    ++outstanding;
  }
  void end() {
    std::lock_guard<std::mutex> lock(mu);
    --outstanding;
    cv.notify_all();
  }
  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, timeout, [this] { return outstanding == 0; });
  }
};

} // namespace tocsin::actors
