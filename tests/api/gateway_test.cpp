// The operator API in-process: a real engine on LMDB, the gateway on a loopback port and a gRPC
// client. Covers auth, tenancy, the status mapping on the wire, Watch and grpc.health.v1.
#include "actors/engine_fixture.hpp"
#include "api/gateway.hpp"
#include "support/grpc_client.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

using namespace tocsin;
namespace pb = ::tocsin::v1;

namespace {

struct api_fixture : test::engine_fixture {
  api::gateway gw;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::IncidentService::Stub> stub;

  api_fixture() {
    start();
    api::api_options opts;
    opts.listen = "127.0.0.1:0";
    opts.tenants = {{"acme", {"acme-token"}}, {"globex", {"globex-token"}}};
    opts.service_tokens = {{"reader", "reader-token", {"incidents:read"}, {"acme"}},
                           {"knowledge", "kp-token", {"subscribe:feedback"}, {"*"}}};
    auto err = gw.start(opts, *sys, eng->router(), *store);
    REQUIRE(err.code == domain::errc::ok);
    channel = test::loopback_channel(gw.port());
    stub = pb::IncidentService::NewStub(channel);
  }
  ~api_fixture() { gw.stop(); }

  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& token) {
    return test::call_context(token);
  }

  pb::IncidentResponse open(const std::string& token, const std::string& title) {
    pb::OpenIncidentRequest req;
    req.set_title(title);
    req.set_severity(pb::SEVERITY_HIGH);
    pb::IncidentResponse resp;
    auto s = stub->Open(ctx(token).get(), req, &resp);
    REQUIRE(s.error_message() == "");
    REQUIRE(s.ok());
    return resp;
  }

  grpc::Status get(const std::string& token, const std::string& id,
                   pb::GetIncidentResponse* out = nullptr) {
    pb::GetIncidentRequest req;
    req.set_id(id);
    pb::GetIncidentResponse resp;
    return stub->Get(ctx(token).get(), req, out ? out : &resp);
  }

  grpc::Status ack(const std::string& token, const std::string& id, std::uint64_t expected = 0) {
    pb::AcknowledgeRequest req;
    req.mutable_target()->set_id(id);
    req.mutable_target()->set_expected_version(expected);
    pb::IncidentResponse resp;
    return stub->Acknowledge(ctx(token).get(), req, &resp);
  }
};

} // namespace

TEST_CASE_METHOD(api_fixture, "open, get and transitions over gRPC with the status mapping") {
  auto opened = open("acme-token", "checkout slow");
  const auto id = opened.incident().id();
  CHECK(opened.incident().tenant() == "acme");
  CHECK(opened.appended(0).by() == "acme"); // the caller stands in for an empty `by`

  pb::GetIncidentResponse got;
  REQUIRE(get("acme-token", id, &got).ok());
  CHECK(got.incident().status() == pb::INCIDENT_STATUS_OPEN);
  REQUIRE(got.timeline_size() == 1);
  CHECK(got.timeline(0).type() == "IncidentOpened");

  CHECK(ack("acme-token", id, 7).error_code() == grpc::StatusCode::ABORTED);
  REQUIRE(ack("acme-token", id, 1).ok());
  auto again = ack("acme-token", id);
  CHECK(again.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(again.error_message(), Catch::Contains("cknowledged"));

  pb::ResolveRequest resolve;
  resolve.mutable_target()->set_id(id);
  pb::IncidentResponse resp;
  auto no_cause = stub->Resolve(ctx("acme-token").get(), resolve, &resp);
  CHECK(no_cause.error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  pb::GetIncidentRequest bad;
  bad.set_id("not-an-id");
  pb::GetIncidentResponse ignored;
  CHECK(stub->Get(ctx("acme-token").get(), bad, &ignored).error_code()
        == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(api_fixture, "another tenant's incident is refused exactly like a missing one") {
  const auto id = open("acme-token", "acme only").incident().id();
  auto cross = get("globex-token", id);
  CHECK(cross.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  auto cross_ack = ack("globex-token", id);
  CHECK(cross_ack.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  // A well-formed id that exists nowhere: same code, same wording.
  std::string missing = id;
  missing[20] = missing[20] == 'A' ? 'B' : 'A';
  auto none = get("globex-token", missing);
  CHECK(none.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(none.error_message().substr(missing.size() + 9)
        == cross.error_message().substr(id.size() + 9));

  pb::GetIncidentResponse got;
  REQUIRE(get("acme-token", id, &got).ok());
  CHECK(got.incident().status() == pb::INCIDENT_STATUS_OPEN); // the refused ack wrote nothing
}

TEST_CASE_METHOD(api_fixture, "tokens: missing or unknown is unauthenticated; scopes are enforced") {
  const auto id = open("acme-token", "scoped").incident().id();
  CHECK(get("", id).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(get("nope", id).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(get("reader-token", id).ok());
  CHECK(ack("reader-token", id).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(get("kp-token", id).error_code() == grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(api_fixture, "watch streams the tenant's events from the beginning, in order") {
  const auto a = open("acme-token", "one").incident().id();
  open("globex-token", "not mine");
  REQUIRE(ack("acme-token", a).ok());

  pb::WatchRequest req;
  req.set_from_beginning(true);
  auto c = ctx("acme-token");
  auto reader = stub->Watch(c.get(), req);
  pb::WatchEvent ev;
  std::vector<std::string> seen;
  std::string last_offset;
  while (seen.size() < 2 && reader->Read(&ev)) {
    seen.push_back(ev.event().type());
    CHECK(ev.event().tenant() == "acme");
    last_offset = ev.offset();
  }
  CHECK(seen == std::vector<std::string>{"IncidentOpened", "IncidentAcknowledged"});

  // Live: an event committed after the stream caught up arrives on the same stream.
  pb::BeginInvestigationRequest inv;
  inv.mutable_target()->set_id(a);
  pb::IncidentResponse resp;
  REQUIRE(stub->BeginInvestigation(ctx("acme-token").get(), inv, &resp).ok());
  REQUIRE(reader->Read(&ev));
  CHECK(ev.event().type() == "InvestigationStarted");
  c->TryCancel();
  reader->Finish();

  // Resuming from the offset of the second event yields the third.
  pb::WatchRequest resume;
  resume.set_from_offset(last_offset);
  auto c2 = ctx("acme-token");
  auto reader2 = stub->Watch(c2.get(), resume);
  REQUIRE(reader2->Read(&ev));
  CHECK(ev.event().type() == "InvestigationStarted");
  c2->TryCancel();
  reader2->Finish();
}

TEST_CASE_METHOD(api_fixture, "grpc.health.v1 reports SERVING") {
  grpc::GenericStub generic{channel};
  grpc::ByteBuffer request; // HealthCheckRequest{service: ""} encodes to zero bytes
  grpc::Slice empty;
  request = grpc::ByteBuffer{&empty, 1};
  grpc::ByteBuffer response;
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{10});
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&c, "/grpc.health.v1.Health/Check", grpc::StubOptions{}, &request, &response,
                    [&](grpc::Status s) {
                      std::lock_guard<std::mutex> lock{m};
                      status = s;
                      done = true;
                      cv.notify_all();
                    });
  std::unique_lock<std::mutex> lock{m};
  cv.wait(lock, [&] { return done; });
  REQUIRE(status.ok());
  std::vector<grpc::Slice> slices;
  REQUIRE(response.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  CHECK(bytes == std::string{"\x08\x01", 2}); // status: SERVING
}
