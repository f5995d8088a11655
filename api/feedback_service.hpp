// tocsin.v1.FeedbackService: feedback items listed and read from the "feedback" topic's indexes
// (persistence/feedback_index.hpp, on the blocking pool) and quality scores asked of the
// feedback actor (actors/feedback_messages.hpp). Owned by the gateway; called on gRPC threads.
// Scope "feedback:read"; tenant tokens see their tenant, anonymous dev callers the request's
// tenant or "default".
#pragma once

#include "api/call_support.hpp"
#include "api/service_env.hpp"
#include "tocsin/v1/api.grpc.pb.h"

namespace tocsin::api {

class feedback_service final : public v1::FeedbackService::CallbackService {
public:
  explicit feedback_service(service_env& env) : env_(env) {}

  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx,
                                 const v1::ListFeedbackRequest* req,
                                 v1::ListFeedbackResponse* resp) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx,
                                const v1::GetFeedbackRequest* req, v1::FeedbackItem* resp) override;
  grpc::ServerUnaryReactor* QualityScores(grpc::CallbackServerContext* ctx,
                                          const v1::QualityScoresRequest* req,
                                          v1::QualityScoresResponse* resp) override;

private:
  /// Authorizes and checks that the feedback service is linked; nullopt after finishing the call.
  std::optional<call_scope> admit(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* r,
                                  const std::string& tenant);

  service_env& env_;
};

} // namespace tocsin::api
