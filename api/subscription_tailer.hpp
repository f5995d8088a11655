// Tails the topics for every open Subscribe stream (api/subscription_service.hpp): reads each
// stream's topic from its per-partition offsets (the incident journal, or a topic log), keeps
// the records its view may see, converts them to SubscribeEvents carrying the offset token to
// resume after each, and waits for the next store commit when every stream is caught up. One
// thread, owned by the gateway; add() is thread-safe. The store and topic logs outlive it.
#pragma once

#include "api/offset_token.hpp"
#include "api/stream_channel.hpp"
#include "api/stream_tailer.hpp"
#include "api/subscription_scope.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <memory>
#include <vector>

namespace tocsin::api {

struct api_counters;

class subscription_channel : public stream_channel<v1::SubscribeEvent> {
public:
  subscription_channel(subscription_view view, partition_offsets next, api_counters& counters);

  const subscription_view& view() const { return view_; }
  /// Read position; touched by the tailer thread only.
  partition_offsets& next() { return next_; }

private:
  subscription_view view_;
  partition_offsets next_;
};

class subscription_tailer {
public:
  /// A null topic log: that topic is not served (Subscribe answers UNAVAILABLE).
  subscription_tailer(persistence::store& st, persistence::topic_log* feedback,
                      persistence::topic_log* governance);
  ~subscription_tailer();
  subscription_tailer(const subscription_tailer&) = delete;
  subscription_tailer& operator=(const subscription_tailer&) = delete;

  /// Whether `topic` (already checked by check_topic) has a source on this node.
  bool serves(const std::string& topic) const;

  void start();
  /// Starts serving a stream (finishes it UNAVAILABLE when the tailer is stopping).
  void add(std::shared_ptr<subscription_channel> ch);
  /// Finishes every stream with UNAVAILABLE and joins the thread. Idempotent.
  void stop();

private:
  /// Moves one stream forward; true when it has more to read right away.
  bool pump(subscription_channel& ch);
  bool pump_journal(subscription_channel& ch, std::vector<v1::SubscribeEvent>& out,
                    std::size_t& budget);
  bool pump_topic(subscription_channel& ch, persistence::topic_log& log,
                  std::vector<v1::SubscribeEvent>& out, std::size_t& budget);

  persistence::store& store_;
  persistence::topic_log* feedback_;
  persistence::topic_log* governance_;
  stream_tailer<subscription_channel> streams_; // last: its thread ends before the members above go
};

} // namespace tocsin::api
