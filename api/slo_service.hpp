// tocsin.v1.SloService: a tenant's SLOs applied (OpenSLO YAML or structured), read, deleted and
// evaluated through the SLO manager (actors/slo_messages.hpp). Owned by the gateway; called on
// gRPC threads. Tenant tokens act for their tenant; anonymous dev callers for the request's
// tenant or "default".
#pragma once

#include "api/call_support.hpp"
#include "api/service_env.hpp"
#include "tocsin/v1/api.grpc.pb.h"

namespace tocsin::api {

class slo_service final : public v1::SloService::CallbackService {
public:
  explicit slo_service(service_env& env) : env_(env) {}

  grpc::ServerUnaryReactor* Apply(grpc::CallbackServerContext* ctx, const v1::ApplySloRequest* req,
                                  v1::ApplySloResponse* resp) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx, const v1::GetSloRequest* req,
                                v1::StoredSlo* resp) override;
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx, const v1::ListSlosRequest* req,
                                 v1::ListSlosResponse* resp) override;
  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* ctx,
                                   const v1::DeleteSloRequest* req,
                                   v1::DeleteSloResponse* resp) override;
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* ctx,
                                   const v1::SloStatusRequest* req, v1::SloStatus* resp) override;

private:
  /// Authorizes and checks that the SLO manager is linked; nullopt after finishing the call.
  std::optional<call_scope> admit(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* r,
                                  const std::string& tenant, std::string_view scope);

  service_env& env_;
};

} // namespace tocsin::api
