// A few threads for blocking store reads (List) so that neither gRPC callback threads
// nor CAF workers wait on LMDB. Owned by the gateway; submit() is thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tocsin::api {

class blocking_pool {
public:
  explicit blocking_pool(std::size_t threads);
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  /// Runs `job` on a pool thread; false (job dropped) once stop() has begun.
  bool submit(std::function<void()> job);
  /// Runs the queued jobs, then joins. Idempotent.
  void stop();

private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace tocsin::api
