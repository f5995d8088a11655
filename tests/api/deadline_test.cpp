// Deadlines: the client's deadline bounds the server's wait on the engine. With a router that
// never answers, the call still ends with DEADLINE_EXCEEDED and the server can stop (a call
// left unfinished would make the gateway's shutdown wait forever).
#include "actors/engine_fixture.hpp"
#include "api/gateway.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <caf/event_based_actor.hpp>
#include <caf/skip.hpp>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

using namespace tocsin;
namespace pb = ::tocsin::v1;

TEST_CASE_METHOD(test::engine_fixture, "a call waiting on a silent engine ends at its deadline") {
  start();
  // Leaves every message in its mailbox: no reply, no error.
  auto silent = sys->spawn([](caf::event_based_actor* self) -> caf::behavior {
    self->set_default_handler(caf::skip);
    return {[](int) {}};
  });
  api::api_options opts;
  opts.listen = "127.0.0.1:0";
  opts.allow_anonymous = true;
  api::gateway gw;
  REQUIRE(gw.start(opts, *sys, silent, *store).code == domain::errc::ok);
  auto stub = pb::IncidentService::NewStub(grpc::CreateChannel(
    "127.0.0.1:" + std::to_string(gw.port()), grpc::InsecureChannelCredentials()));
  pb::GetIncidentRequest req;
  req.set_id("01JDQ3Z6V8X9K0M2N4P6R8T0W2");
  pb::GetIncidentResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds{300});
  auto s = stub->Get(&ctx, req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  gw.stop(); // returns only once every call is finished
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}
