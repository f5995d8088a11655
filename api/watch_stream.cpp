// The queue is drained strictly one write at a time: gRPC allows a single outstanding write per
// stream, and the order of writes is the order the client must see.
#include "api/watch_stream.hpp"

#include "api/service_env.hpp"

namespace tocsin::api {

void watch_channel::attach(watch_reactor* r) {
  std::lock_guard<std::recursive_mutex> lock{mu_};
  counters_.watch_streams.fetch_add(1, std::memory_order_relaxed);
  reactor_ = r;
}

void watch_channel::push(std::vector<::tocsin::v1::WatchEvent> events) {
  auto keep = shared_from_this();
  std::lock_guard<std::recursive_mutex> lock{mu_};
  if (finished_ || !reactor_)
    return;
  for (auto& e : events)
    queue_.push_back(std::move(e));
  if (!writing_)
    start_write_locked();
}

std::size_t watch_channel::backlog() {
  std::lock_guard<std::recursive_mutex> lock{mu_};
  return queue_.size();
}

bool watch_channel::finished() {
  std::lock_guard<std::recursive_mutex> lock{mu_};
  return finished_ || !reactor_;
}

void watch_channel::start_write_locked() {
  if (queue_.empty() || finished_ || !reactor_)
    return;
  writing_ = true;
  reactor_->StartWrite(&queue_.front());
}

void watch_channel::on_write_done(bool ok) {
  auto keep = shared_from_this();
  std::lock_guard<std::recursive_mutex> lock{mu_};
  writing_ = false;
  if (!queue_.empty())
    queue_.pop_front();
  if (ok)
    counters_.watch_events.fetch_add(1, std::memory_order_relaxed);
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

void watch_channel::finish(const grpc::Status& status) {
  auto keep = shared_from_this();
  std::lock_guard<std::recursive_mutex> lock{mu_};
  if (finished_ || !reactor_)
    return;
  finished_ = true;
  // Finish goes out after the write in flight completes, never beside it.
  if (writing_)
    pending_finish_ = status;
  else
    reactor_->Finish(status);
}

void watch_channel::on_done() {
  std::lock_guard<std::recursive_mutex> lock{mu_};
  if (reactor_)
    counters_.watch_streams.fetch_sub(1, std::memory_order_relaxed);
  reactor_ = nullptr;
  finished_ = true;
  queue_.clear();
}

void watch_reactor::OnDone() {
  ch_->on_done();
  delete this;
}

} // namespace tocsin::api
