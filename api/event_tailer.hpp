// Tails the journal for every open Watch stream: reads each stream's tenant's events from its
// per-partition offsets, hands them to the stream with the offset token to resume after each,
// then waits for the next commit. One thread, owned by the gateway; add() is thread-safe.
#pragma once

#include "api/stream_tailer.hpp"
#include "api/watch_stream.hpp"
#include "persistence/store.hpp"

#include <memory>

namespace tocsin::api {

struct api_counters;

class event_tailer {
public:
  event_tailer(persistence::store& st, api_counters& counters);
  ~event_tailer();
  event_tailer(const event_tailer&) = delete;
  event_tailer& operator=(const event_tailer&) = delete;

  void start();
  /// Starts serving a stream (finishes it UNAVAILABLE when the tailer is stopping).
  void add(std::shared_ptr<watch_channel> ch);
  /// Finishes every stream with UNAVAILABLE and joins the thread. Idempotent.
  void stop();

  /// Next offset of every partition, as of now (the start of a live-only stream).
  partition_offsets journal_end();

private:
  /// Moves one stream forward; true when it has more to read right away.
  bool pump(watch_channel& ch, const partition_offsets& ends);

  persistence::store& store_;
  api_counters& counters_;
  stream_tailer<watch_channel> streams_; // last: its thread ends before the members above go
};

} // namespace tocsin::api
