// One Watch stream: the queue of events waiting to be written and the gRPC write reactor that
// drains it one write at a time. The event tailer fills it; gRPC threads drain it. Thread-safe.
#pragma once

#include "api/offset_token.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::api {

struct api_counters;
class watch_reactor;

class watch_channel : public std::enable_shared_from_this<watch_channel> {
public:
  watch_channel(std::string tenant, partition_offsets next, api_counters& counters)
    : tenant_(std::move(tenant)), next_(std::move(next)), counters_(counters) {}

  const std::string& tenant() const { return tenant_; }
  /// Read position; touched by the tailer thread only.
  partition_offsets& next() { return next_; }

  /// Queues events and starts writing if idle. No-op once the stream is finished.
  void push(std::vector<::tocsin::v1::WatchEvent> events);
  /// Events queued but not yet written (the tailer reads no further ahead than a bound).
  std::size_t backlog();
  bool finished();
  /// Ends the stream with `status` (once; later calls are ignored).
  void finish(const grpc::Status& status);

  // Called by the reactor.
  void attach(watch_reactor* r);
  void on_write_done(bool ok);
  void on_done();

private:
  void start_write_locked();

  std::string tenant_;
  partition_offsets next_;
  api_counters& counters_;
  std::recursive_mutex mu_; // recursive: gRPC may run a reaction inline on the calling thread
  watch_reactor* reactor_ = nullptr;
  std::deque<::tocsin::v1::WatchEvent> queue_;
  bool writing_ = false;
  bool finished_ = false;                  // Finish called or pending
  std::optional<grpc::Status> pending_finish_; // Finish waits for the write in flight
};

class watch_reactor final : public grpc::ServerWriteReactor<::tocsin::v1::WatchEvent> {
public:
  explicit watch_reactor(std::shared_ptr<watch_channel> ch) : ch_(std::move(ch)) {
    ch_->attach(this);
  }
  void OnWriteDone(bool ok) override { ch_->on_write_done(ok); }
  void OnCancel() override { ch_->finish(grpc::Status::CANCELLED); }
  void OnDone() override;

private:
  std::shared_ptr<watch_channel> ch_;
};

} // namespace tocsin::api
