// Server reflection (v1alpha) lists the operator services, so generic tools (grpcurl, Postman)
// can discover them. Spoken with a generic bidi call: no reflection stubs are shipped.
#include "actors/engine_fixture.hpp"
#include "api/gateway.hpp"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

using namespace tocsin;

namespace {

// Waits for the next completion; true if it succeeded.
bool next(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  return cq.Next(&tag, &ok) && ok;
}

} // namespace

TEST_CASE_METHOD(test::engine_fixture, "server reflection lists the tocsin.v1 services") {
  start();
  api::api_options opts;
  opts.listen = "127.0.0.1:0";
  opts.allow_anonymous = true;
  api::gateway gw;
  REQUIRE(gw.start(opts, *sys, eng->router(), *store).code == domain::errc::ok);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(gw.port()),
                                     grpc::InsecureChannelCredentials());
  std::string listed;
  {
    grpc::GenericStub generic{channel};
    grpc::CompletionQueue cq;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{30});
    auto call = generic.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
    call->StartCall(reinterpret_cast<void*>(1));
    REQUIRE(next(cq));
    // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
    const char request_bytes[] = {0x3a, 0x00};
    grpc::Slice slice{request_bytes, sizeof request_bytes};
    grpc::ByteBuffer request{&slice, 1};
    call->Write(request, reinterpret_cast<void*>(2));
    REQUIRE(next(cq));
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(3));
    REQUIRE(next(cq));
    std::vector<grpc::Slice> slices;
    REQUIRE(response.Dump(&slices).ok());
    for (auto& s : slices)
      listed.append(reinterpret_cast<const char*>(s.begin()), s.size());
    call->WritesDone(reinterpret_cast<void*>(4));
    next(cq);
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(5));
    next(cq);
    cq.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq.Next(&tag, &ok)) {
    }
  }
  CHECK_THAT(listed, Catch::Contains("tocsin.v1.IncidentService")
                       && Catch::Contains("tocsin.v1.AdminService")
                       && Catch::Contains("grpc.health.v1.Health"));
  gw.stop();
}
