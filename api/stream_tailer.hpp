// The thread and stream list every tailer of server streams shares (api/event_tailer.hpp for
// Watch, api/subscription_tailer.hpp for Subscribe): keeps the open streams, runs the owner's
// round over them, waits for the next store commit when no stream has more to read right away,
// and finishes every stream UNAVAILABLE on stop. One per tailer, declared after whatever its
// round touches (its destructor joins the thread). add() and stop() are thread-safe; the round
// runs on the tailer's thread.
#pragma once

#include "persistence/store.hpp"

#include <grpcpp/support/status.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tocsin::api {

template <class Channel>
class stream_tailer {
public:
  using streams = std::vector<std::shared_ptr<Channel>>;
  /// One pass over the open streams; true when one of them has more to read right away.
  using round_fn = std::function<bool(const streams&)>;

  stream_tailer(persistence::store& st, round_fn round) : store_(st), round_(std::move(round)) {}
  ~stream_tailer() { stop(); }
  stream_tailer(const stream_tailer&) = delete;
  stream_tailer& operator=(const stream_tailer&) = delete;

  void start() {
    thread_ = std::thread([this] { run(); });
  }

  /// Starts serving a stream (finishes it UNAVAILABLE when the tailer is stopping).
  void add(std::shared_ptr<Channel> ch) {
    {
      std::lock_guard<std::mutex> lock{mu_};
      if (!stopping_) {
        streams_.push_back(std::move(ch));
        cv_.notify_all();
        return;
      }
    }
    ch->finish({grpc::StatusCode::UNAVAILABLE, "server shutting down"});
  }

  /// Finishes every stream with UNAVAILABLE and joins the thread. Idempotent.
  void stop() {
    streams open;
    {
      std::lock_guard<std::mutex> lock{mu_};
      stopping_ = true;
      open.swap(streams_);
    }
    cv_.notify_all();
    if (thread_.joinable())
      thread_.join();
    for (auto& s : open)
      s->finish({grpc::StatusCode::UNAVAILABLE, "server shutting down"});
  }

private:
  void run() {
    for (;;) {
      streams open;
      {
        std::unique_lock<std::mutex> lock{mu_};
        streams_.erase(std::remove_if(streams_.begin(), streams_.end(),
                                      [](const auto& s) { return s->finished(); }),
                       streams_.end());
        if (!stopping_ && streams_.empty())
          cv_.wait_for(lock, std::chrono::seconds{1});
        if (stopping_)
          return;
        open = streams_;
      }
      if (open.empty())
        continue;
      // Read before the round: a commit landing during the round must end the wait below.
      const auto seen = store_.commit_count();
      if (round_(open))
        continue;
      auto t0 = std::chrono::steady_clock::now();
      store_.wait_for_commit(seen, std::chrono::milliseconds{50});
      // A store without commit notification returns at once: poll instead of spinning.
      if (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds{1})
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
  }

  persistence::store& store_;
  const round_fn round_;
  std::mutex mu_;
  std::condition_variable cv_;
  streams streams_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace tocsin::api
