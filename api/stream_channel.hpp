// One server stream of the operator API (Watch, Subscribe): the queue of messages waiting to be
// written and the gRPC write reactor that drains it one write at a time. A tailer thread fills
// it; gRPC threads drain it. Thread-safe. The queue is drained strictly one write at a time:
// gRPC allows a single outstanding write per stream, and the order of writes is the order the
// client must see.
#pragma once

#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace tocsin::api {

/// Gauges and counters a kind of stream keeps (api_counters members).
struct stream_counters {
  std::atomic<std::uint64_t>* open = nullptr;    // streams currently open
  std::atomic<std::uint64_t>* written = nullptr; // messages written
};

template <class Event>
class stream_reactor;

template <class Event>
class stream_channel : public std::enable_shared_from_this<stream_channel<Event>> {
public:
  explicit stream_channel(stream_counters counters) : counters_(counters) {}
  virtual ~stream_channel() = default;

  /// Queues events and starts writing if idle. No-op once the stream is finished.
  void push(std::vector<Event> events) {
    auto keep = this->shared_from_this();
    std::lock_guard<std::recursive_mutex> lock{mu_};
    if (finished_ || !reactor_)
      return;
    for (auto& e : events)
      queue_.push_back(std::move(e));
    if (!writing_)
      start_write_locked();
  }
  /// Events queued but not yet written (the tailer reads no further ahead than a bound).
  std::size_t backlog() {
    std::lock_guard<std::recursive_mutex> lock{mu_};
    return queue_.size();
  }
  bool finished() {
    std::lock_guard<std::recursive_mutex> lock{mu_};
    return finished_ || !reactor_;
  }
  /// Ends the stream with `status` (once; later calls are ignored). Finish goes out after the
  /// write in flight completes, never beside it.
  void finish(const grpc::Status& status) {
    auto keep = this->shared_from_this();
    std::lock_guard<std::recursive_mutex> lock{mu_};
    if (finished_ || !reactor_)
      return;
    finished_ = true;
    if (writing_)
      pending_finish_ = status;
    else
      reactor_->Finish(status);
  }

  // Called by the reactor.
  void attach(stream_reactor<Event>* r) {
    std::lock_guard<std::recursive_mutex> lock{mu_};
    bump(counters_.open, 1);
    reactor_ = r;
  }
  void on_write_done(bool ok) {
    auto keep = this->shared_from_this();
    std::lock_guard<std::recursive_mutex> lock{mu_};
    writing_ = false;
    if (!queue_.empty())
      queue_.pop_front();
    if (ok)
      bump(counters_.written, 1);
    if (!reactor_)
      return;
    if (pending_finish_) {
      auto status = std::move(*pending_finish_);
      pending_finish_.reset();
      reactor_->Finish(status);
    } else if (!ok && !finished_) {
      // The client went away; no further write can succeed.
      finished_ = true;
      reactor_->Finish(grpc::Status::CANCELLED);
    } else {
      start_write_locked();
    }
  }
  void on_done() {
    std::lock_guard<std::recursive_mutex> lock{mu_};
    if (reactor_ && counters_.open)
      counters_.open->fetch_sub(1, std::memory_order_relaxed);
    reactor_ = nullptr;
    finished_ = true;
    queue_.clear();
  }

private:
  static void bump(std::atomic<std::uint64_t>* c, std::uint64_t n) {
    if (c)
      c->fetch_add(n, std::memory_order_relaxed);
  }
  void start_write_locked() {
    if (queue_.empty() || finished_ || !reactor_)
      return;
    writing_ = true;
    reactor_->StartWrite(&queue_.front());
  }

  stream_counters counters_;
  std::recursive_mutex mu_; // recursive: gRPC may run a reaction inline on the calling thread
  stream_reactor<Event>* reactor_ = nullptr;
  std::deque<Event> queue_;
  bool writing_ = false;
  bool finished_ = false;                      // Finish called or pending
  std::optional<grpc::Status> pending_finish_; // Finish waits for the write in flight
};

template <class Event>
class stream_reactor final : public grpc::ServerWriteReactor<Event> {
public:
  explicit stream_reactor(std::shared_ptr<stream_channel<Event>> ch) : ch_(std::move(ch)) {
    ch_->attach(this);
  }
  void OnWriteDone(bool ok) override { ch_->on_write_done(ok); }
  void OnCancel() override { ch_->finish(grpc::Status::CANCELLED); }
  void OnDone() override {
    ch_->on_done();
    delete this;
  }

private:
  std::shared_ptr<stream_channel<Event>> ch_;
};

/// A stream refused before it started: finishes at once, then frees itself.
template <class Event>
class refused_stream final : public grpc::ServerWriteReactor<Event> {
public:
  explicit refused_stream(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

} // namespace tocsin::api
