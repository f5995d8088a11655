// tocsin.v1.AdminService: counters of the store, the engine and the API (admin scope), health
// details (any authenticated caller), per-channel delivery stats and dead letters (admin scope,
// or a tenant token for its own tenant: admin_delivery.cpp, OTLP dead-letter replay included).
// Owned by the gateway; called on gRPC threads.
#pragma once

#include "api/call_support.hpp"
#include "api/service_env.hpp"
#include "tocsin/v1/api.grpc.pb.h"

namespace tocsin::api {

class admin_service final : public v1::AdminService::CallbackService {
public:
  explicit admin_service(service_env& env) : env_(env) {}

  grpc::ServerUnaryReactor* Stats(grpc::CallbackServerContext* ctx, const v1::StatsRequest* req,
                                  v1::StatsResponse* resp) override;
  grpc::ServerUnaryReactor* Health(grpc::CallbackServerContext* ctx,
                                   const v1::HealthRequest* req,
                                   v1::HealthResponse* resp) override;
  grpc::ServerUnaryReactor* DeliveryStats(grpc::CallbackServerContext* ctx,
                                          const v1::DeliveryStatsRequest* req,
                                          v1::DeliveryStatsResponse* resp) override;
  grpc::ServerUnaryReactor* ListDeadLetters(grpc::CallbackServerContext* ctx,
                                            const v1::ListDeadLettersRequest* req,
                                            v1::ListDeadLettersResponse* resp) override;
  grpc::ServerUnaryReactor* GetDeadLetter(grpc::CallbackServerContext* ctx,
                                          const v1::GetDeadLetterRequest* req,
                                          v1::DeadLetter* resp) override;
  grpc::ServerUnaryReactor* ReplayDeadLetter(grpc::CallbackServerContext* ctx,
                                             const v1::ReplayDeadLetterRequest* req,
                                             v1::ReplayDeadLetterResponse* resp) override;

private:
  service_env& env_;
};

} // namespace tocsin::api
