// End-to-end concurrency over gRPC: many clients on distinct incidents all succeed; two clients
// racing on one incident get one success and one clear refusal.
#include "api_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace tocsin::e2e;

namespace {

pb::TransitionTarget target(const std::string& id, std::uint64_t expected = 0) {
  pb::TransitionTarget t;
  t.set_id(id);
  t.set_by("e2e");
  t.set_expected_version(expected);
  return t;
}

std::string open_via_grpc(pb::IncidentService::Stub& stub, const std::string& title) {
  pb::OpenIncidentRequest req;
  req.set_title(title);
  req.set_severity(pb::SEVERITY_WARNING);
  pb::IncidentResponse resp;
  auto s = stub.Open(call_context(acme_token).get(), req, &resp);
  REQUIRE(s.ok());
  return resp.incident().id();
}

} // namespace

TEST_CASE("50 concurrent clients driving distinct incidents all succeed") {
  api_daemon d;
  d.start();
  constexpr int clients = 50;
  std::atomic<int> ok{0};
  std::vector<std::string> failures(clients);
  std::vector<std::string> ids(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      auto stub = d.stub(); // a channel (connection) per client
      auto fail = [&](const std::string& step, const grpc::Status& s) {
        failures[c] = step + ": " + s.error_message();
      };
      pb::OpenIncidentRequest open;
      open.set_title("client " + std::to_string(c));
      open.set_severity(pb::SEVERITY_HIGH);
      pb::IncidentResponse resp;
      auto s = stub->Open(call_context(acme_token).get(), open, &resp);
      if (!s.ok())
        return fail("open", s);
      const auto id = resp.incident().id();
      ids[c] = id;
      pb::AcknowledgeRequest ack;
      *ack.mutable_target() = target(id, 1);
      if (!(s = stub->Acknowledge(call_context(acme_token).get(), ack, &resp)).ok())
        return fail("ack", s);
      pb::BeginInvestigationRequest inv;
      *inv.mutable_target() = target(id, 2);
      if (!(s = stub->BeginInvestigation(call_context(acme_token).get(), inv, &resp)).ok())
        return fail("investigate", s);
      pb::ResolveRequest res;
      *res.mutable_target() = target(id, 3);
      res.set_root_cause("client " + std::to_string(c) + " found it");
      if (!(s = stub->Resolve(call_context(acme_token).get(), res, &resp)).ok())
        return fail("resolve", s);
      if (resp.incident().status() == pb::INCIDENT_STATUS_RESOLVED && resp.incident().version() == 4)
        ++ok;
    });
  for (auto& t : threads)
    t.join();
  for (int c = 0; c < clients; ++c) {
    INFO("client " << c);
    CHECK(failures[c].empty());
  }
  CHECK(ok == clients);
  std::sort(ids.begin(), ids.end());
  CHECK(std::unique(ids.begin(), ids.end()) == ids.end());
  d.stop();
}

TEST_CASE("two clients racing on one incident: one success, one clear refusal") {
  api_daemon d;
  d.start();
  auto stub = d.stub();
  const bool with_version = GENERATE(false, true);
  INFO("expected version sent: " << with_version);
  for (int round = 0; round < 5; ++round) {
    const auto id = open_via_grpc(*stub, "race " + std::to_string(round));
    std::vector<grpc::Status> results(2);
    std::atomic<int> ready{0};
    std::vector<std::thread> racers;
    for (int r = 0; r < 2; ++r)
      racers.emplace_back([&, r] {
        auto own = d.stub();
        pb::AcknowledgeRequest ack;
        *ack.mutable_target() = target(id, with_version ? 1 : 0);
        pb::IncidentResponse resp;
        ++ready;
        while (ready < 2) {
        }
        results[r] = own->Acknowledge(call_context(acme_token).get(), ack, &resp);
      });
    for (auto& t : racers)
      t.join();
    const int wins = results[0].ok() + results[1].ok();
    CHECK(wins == 1);
    const auto& loser = results[0].ok() ? results[1] : results[0];
    INFO(loser.error_message());
    if (with_version) {
      CHECK(loser.error_code() == grpc::StatusCode::ABORTED);
      CHECK_THAT(loser.error_message(), Catch::Contains("version"));
    } else {
      CHECK(loser.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
      CHECK_THAT(loser.error_message(), Catch::Contains("acknowledged"));
    }
  }
  d.stop();
}
