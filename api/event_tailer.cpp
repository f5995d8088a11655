// Streams read the journal at their own pace: a stream whose client is slow keeps a bounded
// backlog and is simply not read further until it drains, so nothing is dropped or reordered.
#include "api/event_tailer.hpp"

#include "api/convert.hpp"
#include "api/journal_read.hpp"
#include "api/service_env.hpp"
#include "api/status.hpp"

namespace tocsin::api {

namespace {

constexpr std::size_t max_backlog = 1024;      // events queued per stream before reading pauses
constexpr std::size_t records_per_round = 512; // journal records read per stream per round
constexpr std::size_t records_per_read = 256;

} // namespace

event_tailer::event_tailer(persistence::store& st, api_counters& counters)
  : store_(st), counters_(counters),
    streams_(st, [this](const stream_tailer<watch_channel>::streams& open) {
      const auto ends = journal_end();
      bool more = false;
      for (auto& s : open)
        more = pump(*s, ends) || more;
      return more;
    }) {}

event_tailer::~event_tailer() { stop(); }

void event_tailer::start() { streams_.start(); }

void event_tailer::add(std::shared_ptr<watch_channel> ch) { streams_.add(std::move(ch)); }

void event_tailer::stop() { streams_.stop(); }

partition_offsets event_tailer::journal_end() { return api::journal_end(store_); }

bool event_tailer::pump(watch_channel& ch, const partition_offsets& ends) {
  if (ch.finished() || ch.backlog() >= max_backlog)
    return false;
  auto& next = ch.next();
  std::vector<v1::WatchEvent> batch;
  std::size_t budget = records_per_round;
  auto err = read_journal(store_, next, ends, budget, records_per_read, [&](const auto& rec) {
    if (rec.env.tenant != ch.tenant())
      return;
    auto& ev = batch.emplace_back();
    to_proto(rec.env, *ev.mutable_event());
    ev.set_offset(encode_offsets(next));
    ev.set_details(event_details(rec.env.payload));
  });
  if (err.code != domain::errc::ok) {
    ch.finish(to_status(err));
    return false;
  }
  if (!batch.empty())
    ch.push(std::move(batch));
  return budget == 0;
}

} // namespace tocsin::api
