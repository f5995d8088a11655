// tocsin.v1.SubscriptionService: pull consumers of the `incidents`, `feedback` and `governance`
// topics with cursors kept by the server. Subscribe authorises the caller's view
// (api/subscription_scope.hpp), resolves the start (an offset token, else the consumer's
// committed cursor, else the beginning) and hands the stream to the subscription tailer; Commit
// stores a token as the consumer's cursor, durably before answering. Owned by the gateway; gRPC
// calls it from its own threads.
#pragma once

#include "api/service_env.hpp"
#include "tocsin/v1/api.grpc.pb.h"

namespace tocsin::api {

class subscription_service final : public v1::SubscriptionService::CallbackService {
public:
  explicit subscription_service(service_env& env) : env_(env) {}

  using ctx_t = grpc::CallbackServerContext;
  grpc::ServerWriteReactor<v1::SubscribeEvent>* Subscribe(ctx_t* ctx,
                                                          const v1::SubscribeRequest* req) override;
  grpc::ServerUnaryReactor* Commit(ctx_t* ctx, const v1::CommitRequest* req,
                                   v1::CommitResponse* resp) override;

private:
  service_env& env_;
};

} // namespace tocsin::api
