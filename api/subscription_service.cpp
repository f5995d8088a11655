// Cursor reads happen on the calling gRPC thread (a prefix scan of at most one key per
// partition); the Commit write is group-committed and finishes the call from the store's
// writer thread once durable.
#include "api/subscription_service.hpp"

#include "api/call_support.hpp"
#include "api/offset_token.hpp"
#include "api/status.hpp"
#include "api/subscription_scope.hpp"
#include "api/subscription_tailer.hpp"

#include <charconv>

namespace tocsin::api {

namespace {

using refused_subscription = refused_stream<v1::SubscribeEvent>;

/// The caller's view, or a refusal: bad topic or consumer (INVALID_ARGUMENT), bad token
/// (UNAUTHENTICATED), missing scope or tenant (PERMISSION_DENIED), topic not served here
/// (UNAVAILABLE).
std::optional<subscription_view> admit(service_env& env, grpc::CallbackServerContext* ctx,
                                       const std::string& topic, const std::string& consumer,
                                       const std::string& tenant, grpc::Status& refusal) {
  auto who = authenticate_call(env, ctx, refusal);
  if (!who)
    return std::nullopt;
  for (const auto& err : {check_topic(topic), check_consumer(consumer)})
    if (err.code != domain::errc::ok) {
      refusal = to_status(err);
      return std::nullopt;
    }
  auto view = subscription_view_for(*who, topic, tenant);
  if (!view.ok()) {
    refusal = to_status(view.error);
    return std::nullopt;
  }
  if (!env.subscriptions || !env.subscriptions->serves(topic)) {
    refusal = {grpc::StatusCode::UNAVAILABLE, "topic " + topic + " is not served by this node"};
    return std::nullopt;
  }
  return std::move(*view.value);
}

/// The consumer's committed cursor (zeros where it never committed).
domain::result<partition_offsets> load_cursor(persistence::store& st, const subscription_view& v,
                                              const std::string& consumer) {
  const std::uint32_t parts = st.options().partitions;
  partition_offsets next(parts, 0);
  const auto prefix = subscription_cursor_prefix(v, consumer);
  auto rows = st.scan(persistence::kv_db::cursors, prefix, prefix, parts + 1);
  if (!rows.ok())
    return rows.err();
  for (const auto& [key, value] : *rows) {
    std::uint32_t p = 0;
    const char* first = key.data() + prefix.size();
    const char* last = key.data() + key.size();
    auto [end, ec] = std::from_chars(first, last, p);
    if (ec != std::errc{} || end != last || p >= parts || value.size() != 8)
      return domain::make_error(domain::errc::corrupt_record, "cursor " + key + " is malformed");
    next[p] = persistence::decode_u64(value);
  }
  return next;
}

} // namespace

grpc::ServerWriteReactor<v1::SubscribeEvent>*
subscription_service::Subscribe(ctx_t* ctx, const v1::SubscribeRequest* req) {
  grpc::Status refusal;
  auto view = admit(env_, ctx, req->topic(), req->consumer(), req->tenant(), refusal);
  auto refuse = [&](const grpc::Status& s) {
    env_.counters.refused.fetch_add(1, std::memory_order_relaxed);
    return new refused_subscription(s);
  };
  if (!view)
    return refuse(refusal);
  auto start = req->from_offset().empty()
                 ? load_cursor(*env_.store, *view, req->consumer())
                 : decode_offsets(req->from_offset(), env_.store->options().partitions);
  if (!start)
    return refuse(to_status(start.err()));
  auto ch = std::make_shared<subscription_channel>(std::move(*view), std::move(*start),
                                                   env_.counters);
  auto* reactor = new stream_reactor<v1::SubscribeEvent>(ch);
  env_.subscriptions->add(std::move(ch));
  return reactor;
}

grpc::ServerUnaryReactor* subscription_service::Commit(ctx_t* ctx, const v1::CommitRequest* req,
                                                       v1::CommitResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status refusal;
  auto view = admit(env_, ctx, req->topic(), req->consumer(), req->tenant(), refusal);
  if (!view) {
    finish(env_, reactor, refusal);
    return reactor;
  }
  const std::uint32_t parts = env_.store->options().partitions;
  auto next = decode_offsets(req->offset(), parts);
  if (!next) {
    finish(env_, reactor, to_status(next.err()));
    return reactor;
  }
  // Every partition is written: committing an older token moves the cursor back (replay).
  std::vector<persistence::kv_op> ops;
  ops.reserve(parts);
  for (std::uint32_t p = 0; p < parts; ++p) {
    auto key = subscription_cursor_key(*view, req->consumer(), p);
    if ((*next)[p] == 0)
      ops.push_back({persistence::kv_db::cursors, persistence::kv_op::erase, std::move(key), {}});
    else
      ops.push_back({persistence::kv_db::cursors, persistence::kv_op::put, std::move(key),
                     persistence::encode_u64((*next)[p])});
  }
  resp->set_offset(encode_offsets(*next));
  auto* env = &env_;
  env_.store->write(std::move(ops), [env, reactor](domain::error err) {
    finish(*env, reactor, err.code == domain::errc::ok ? grpc::Status::OK : to_status(err));
  });
  return reactor;
}

} // namespace tocsin::api
