#include "api/watch_stream.hpp"

#include "api/service_env.hpp"

namespace tocsin::api {

watch_channel::watch_channel(std::string tenant, partition_offsets next, api_counters& counters)
  : stream_channel({&counters.watch_streams, &counters.watch_events}), tenant_(std::move(tenant)),
    next_(std::move(next)) {}

} // namespace tocsin::api
