// Streams read the journal at their own pace: a stream whose client is slow keeps a bounded
// backlog and is simply not read further until it drains, so nothing is dropped or reordered.
#include "api/event_tailer.hpp"

#include "api/convert.hpp"
#include "api/service_env.hpp"
#include "api/status.hpp"

#include <algorithm>
#include <chrono>

namespace tocsin::api {

namespace {

constexpr std::size_t max_backlog = 1024;      // events queued per stream before reading pauses
constexpr std::size_t records_per_round = 512; // journal records read per stream per round
constexpr std::chrono::milliseconds commit_wait{50};

} // namespace

event_tailer::event_tailer(persistence::store& st, api_counters& counters)
  : store_(st), counters_(counters) {}

event_tailer::~event_tailer() { stop(); }

void event_tailer::start() {
  thread_ = std::thread([this] { run(); });
}

void event_tailer::add(std::shared_ptr<watch_channel> ch) {
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

void event_tailer::stop() {
  std::vector<std::shared_ptr<watch_channel>> streams;
  {
    std::lock_guard<std::mutex> lock{mu_};
    stopping_ = true;
    streams.swap(streams_);
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
  for (auto& s : streams)
    s->finish({grpc::StatusCode::UNAVAILABLE, "server shutting down"});
}

partition_offsets event_tailer::journal_end() {
  partition_offsets ends(store_.options().partitions, 0);
  for (std::uint32_t p = 0; p < ends.size(); ++p)
    ends[p] = store_.partition_end(p);
  return ends;
}

void event_tailer::run() {
  for (;;) {
    std::vector<std::shared_ptr<watch_channel>> streams;
    {
      std::unique_lock<std::mutex> lock{mu_};
      streams_.erase(std::remove_if(streams_.begin(), streams_.end(),
                                    [](const auto& s) { return s->finished(); }),
                     streams_.end());
      if (!stopping_ && streams_.empty())
        cv_.wait_for(lock, std::chrono::seconds{1});
      if (stopping_)
        return;
      streams = streams_;
    }
    if (streams.empty())
      continue;
    const auto seen = store_.commit_count();
    const auto ends = journal_end();
    bool more = false;
    for (auto& s : streams)
      more = pump(*s, ends) || more;
    if (more)
      continue;
    auto t0 = std::chrono::steady_clock::now();
    store_.wait_for_commit(seen, commit_wait);
    // A store without commit notification returns at once: poll instead of spinning.
    if (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds{1})
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

bool event_tailer::pump(watch_channel& ch, const partition_offsets& ends) {
  if (ch.finished() || ch.backlog() >= max_backlog)
    return false;
  auto& next = ch.next();
  std::vector<v1::WatchEvent> batch;
  std::size_t budget = records_per_round;
  for (std::uint32_t p = 0; p < ends.size() && budget > 0; ++p) {
    while (next[p] < ends[p] && budget > 0) {
      auto records = store_.read_partition(p, next[p], std::min<std::size_t>(budget, 256));
      if (!records) {
        ch.finish(to_status(records.err()));
        return false;
      }
      if (records->empty())
        break;
      for (const auto& rec : *records) {
        --budget;
        next[p] = rec.offset + 1;
        if (rec.env.tenant != ch.tenant())
          continue;
        batch.emplace_back();
        auto& ev = batch.back();
        to_proto(rec.env, *ev.mutable_event());
        ev.set_offset(encode_offsets(next));
        ev.set_details(event_details(rec.env.payload));
      }
    }
  }
  if (!batch.empty())
    ch.push(std::move(batch));
  return budget == 0;
}

} // namespace tocsin::api
