// tocsin.v1.AdminService: counters of the store, the engine and the API (admin scope), and
// health details (any authenticated caller). Owned by the gateway; called on gRPC threads.
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

private:
  service_env& env_;
};

} // namespace tocsin::api
