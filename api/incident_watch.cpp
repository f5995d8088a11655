// IncidentService.Watch: resolves the start position (an offset token, the beginning, or the
// journal's end for live-only) and hands the stream to the event tailer.
#include "api/event_tailer.hpp"
#include "api/incident_service.hpp"
#include "api/status.hpp"

namespace tocsin::api {

using refused_watch = refused_stream<v1::WatchEvent>;

grpc::ServerWriteReactor<v1::WatchEvent>* incident_service::Watch(ctx_t* ctx,
                                                                  const v1::WatchRequest* req) {
  grpc::Status refusal;
  auto scope = authorize_call(env_, ctx, req->tenant(), scope::incidents_read, refusal);
  if (!scope) {
    env_.counters.refused.fetch_add(1, std::memory_order_relaxed);
    return new refused_watch(refusal);
  }
  partition_offsets next;
  if (!req->from_offset().empty()) {
    auto decoded = decode_offsets(req->from_offset(), env_.store->options().partitions);
    if (!decoded) {
      env_.counters.refused.fetch_add(1, std::memory_order_relaxed);
      return new refused_watch(to_status(decoded.err()));
    }
    next = std::move(*decoded);
  } else if (req->from_beginning()) {
    next.assign(env_.store->options().partitions, 0);
  } else {
    next = env_.tailer->journal_end();
  }
  auto ch = std::make_shared<watch_channel>(scope->tenant, std::move(next), env_.counters);
  auto* reactor = new watch_reactor(ch);
  env_.tailer->add(std::move(ch));
  return reactor;
}

} // namespace tocsin::api
