// tocsin.v1.IncidentService on the callback API: each RPC authenticates, converts the request to
// a domain command, asks the incident router and finishes the call from the CAF reply handler.
// Owned by the gateway; gRPC calls it from its own threads.
#pragma once

#include "api/call_support.hpp"
#include "api/service_env.hpp"
#include "domain/incident_commands.hpp"
#include "tocsin/v1/api.grpc.pb.h"

namespace tocsin::api {

class incident_service final : public v1::IncidentService::CallbackService {
public:
  explicit incident_service(service_env& env) : env_(env) {}

  using unary = grpc::ServerUnaryReactor;
  using ctx_t = grpc::CallbackServerContext;
  unary* Open(ctx_t* ctx, const v1::OpenIncidentRequest* req, v1::IncidentResponse* resp) override;
  unary* Get(ctx_t* ctx, const v1::GetIncidentRequest* req,
             v1::GetIncidentResponse* resp) override;
  unary* List(ctx_t* ctx, const v1::ListIncidentsRequest* req,
              v1::ListIncidentsResponse* resp) override;
  unary* Acknowledge(ctx_t* ctx, const v1::AcknowledgeRequest* req,
                     v1::IncidentResponse* resp) override;
  unary* BeginInvestigation(ctx_t* ctx, const v1::BeginInvestigationRequest* req,
                            v1::IncidentResponse* resp) override;
  unary* Mitigate(ctx_t* ctx, const v1::MitigateRequest* req, v1::IncidentResponse* resp) override;
  unary* Escalate(ctx_t* ctx, const v1::EscalateRequest* req, v1::IncidentResponse* resp) override;
  unary* Engage(ctx_t* ctx, const v1::EngageRequest* req, v1::IncidentResponse* resp) override;
  unary* Resolve(ctx_t* ctx, const v1::ResolveRequest* req, v1::IncidentResponse* resp) override;
  unary* AddNote(ctx_t* ctx, const v1::AddNoteRequest* req, v1::IncidentResponse* resp) override;
  grpc::ServerWriteReactor<v1::WatchEvent>* Watch(ctx_t* ctx,
                                                  const v1::WatchRequest* req) override;

private:
  /// Tenant check (cached or through a Get), then the command; finishes `reactor`.
  unary* transition(ctx_t* ctx, const v1::TransitionTarget& target, domain::incident_command cmd,
                    v1::IncidentResponse* resp);

  service_env& env_;
};

} // namespace tocsin::api
