// One Watch stream: a stream_channel of WatchEvents (api/stream_channel.hpp) with the tenant it
// shows and its read position. The event tailer fills it; gRPC threads drain it. Thread-safe
// except next(), which only the tailer thread touches.
#pragma once

#include "api/offset_token.hpp"
#include "api/stream_channel.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <string>

namespace tocsin::api {

struct api_counters;

class watch_channel : public stream_channel<::tocsin::v1::WatchEvent> {
public:
  watch_channel(std::string tenant, partition_offsets next, api_counters& counters);

  const std::string& tenant() const { return tenant_; }
  /// Read position; touched by the tailer thread only.
  partition_offsets& next() { return next_; }

private:
  std::string tenant_;
  partition_offsets next_;
};

using watch_reactor = stream_reactor<::tocsin::v1::WatchEvent>;

} // namespace tocsin::api
