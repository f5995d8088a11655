// SubscriptionService over real gRPC (the gateway on a loopback port, a real engine on LMDB, the
// feedback and governance topic logs): Subscribe resumes from a committed offset kept by the
// server; a tenant token cannot subscribe across tenants; a service token needs the
// subscribe:<topic> scope; the Knowledge Platform's token (subscribe:feedback, tenants "*")
// sees every tenant; the incidents topic is the journal; streams end cleanly on shutdown.
#include "actors/engine_fixture.hpp"
#include "api/gateway.hpp"
#include "domain/feedback.hpp"
#include "domain/governance.hpp"
#include "persistence/feedback_codec.hpp"
#include "persistence/governance_codec.hpp"
#include "persistence/topic_log.hpp"
#include "support/grpc_client.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace tocsin;
namespace pb = ::tocsin::v1;

namespace {

constexpr domain::timestamp t0 = 1'700'000'000LL * 1'000'000'000LL;

struct subscription_fixture : test::engine_fixture {
  std::unique_ptr<persistence::topic_log> feedback;
  std::unique_ptr<persistence::topic_log> governance;
  api::gateway gw;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::SubscriptionService::Stub> stub;
  std::unique_ptr<pb::IncidentService::Stub> incidents;
  int items = 0;

  subscription_fixture() {
    start();
    feedback = std::make_unique<persistence::topic_log>(*store, "feedback");
    governance = std::make_unique<persistence::topic_log>(*store, "governance");
    api::api_options opts;
    opts.listen = "127.0.0.1:0";
    opts.tenants = {{"acme", {"acme-token"}}, {"globex", {"globex-token"}}};
    opts.service_tokens = {{"knowledge", "kp-token", {"subscribe:feedback"}, {"*"}},
                           {"reader", "reader-token", {"incidents:read"}, {"*"}},
                           {"acme-kp", "acme-kp-token", {"subscribe:feedback"}, {"acme"}}};
    api::gateway_links links;
    links.feedback_topic = feedback.get();
    links.governance_topic = governance.get();
    REQUIRE(gw.start(opts, *sys, eng->router(), *store, std::move(links)).code ==
            domain::errc::ok);
    channel = test::loopback_channel(gw.port());
    stub = pb::SubscriptionService::NewStub(channel);
    incidents = pb::IncidentService::NewStub(channel);
  }
  ~subscription_fixture() { gw.stop(); }

  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& token) {
    return test::call_context(token);
  }

  /// Appends one feedback item of `tenant`; returns its id.
  std::string add_feedback(const std::string& tenant) {
    domain::feedback_item it;
    it.tenant = tenant;
    it.source = domain::feedback_source::signal;
    it.source_id = "span-" + std::to_string(items++);
    it.id = domain::feedback_id(it.tenant, it.source, it.source_id);
    it.cat = domain::category::correctness;
    it.sent = domain::sentiment::negative;
    it.summary = "wrong answer";
    it.artifact_id = "artifact-1";
    it.created_at = t0 + items;
    const auto key = domain::feedback_key(it.tenant, it.source, it.source_id);
    REQUIRE(feedback->append_sync(key, feedback->partition_of(key),
                                  persistence::encode_feedback(it))
              .created);
    return it.id;
  }

  pb::SubscribeRequest request(const std::string& topic, const std::string& consumer,
                               const std::string& from = {}, const std::string& tenant = {}) {
    pb::SubscribeRequest r;
    r.set_topic(topic);
    r.set_consumer(consumer);
    r.set_from_offset(from);
    r.set_tenant(tenant);
    return r;
  }

  /// Opens a stream, reads `n` events, cancels it.
  std::vector<pb::SubscribeEvent> read_n(const std::string& token, const pb::SubscribeRequest& r,
                                         std::size_t n) {
    auto c = ctx(token);
    auto reader = stub->Subscribe(c.get(), r);
    std::vector<pb::SubscribeEvent> out;
    pb::SubscribeEvent ev;
    while (out.size() < n && reader->Read(&ev))
      out.push_back(ev);
    c->TryCancel();
    reader->Finish();
    return out;
  }

  /// The status a refused stream ends with (it yields no event).
  grpc::Status refusal(const std::string& token, const pb::SubscribeRequest& r) {
    auto c = ctx(token);
    auto reader = stub->Subscribe(c.get(), r);
    pb::SubscribeEvent ev;
    CHECK_FALSE(reader->Read(&ev));
    return reader->Finish();
  }

  grpc::Status commit(const std::string& token, const std::string& topic,
                      const std::string& consumer, const std::string& offset,
                      const std::string& tenant = {}) {
    pb::CommitRequest r;
    r.set_topic(topic);
    r.set_consumer(consumer);
    r.set_offset(offset);
    r.set_tenant(tenant);
    pb::CommitResponse resp;
    return stub->Commit(ctx(token).get(), r, &resp);
  }
};

std::vector<std::string> ids(const std::vector<pb::SubscribeEvent>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs)
    out.push_back(e.id());
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

} // namespace

TEST_CASE_METHOD(subscription_fixture, "Subscribe resumes from the offset a consumer committed") {
  std::vector<std::string> all;
  for (int i = 0; i < 6; ++i)
    all.push_back(add_feedback(i % 2 == 0 ? "acme" : "globex"));

  // The Knowledge Platform's token reads every tenant's items.
  const auto first = read_n("kp-token", request("feedback", "kp"), 6);
  REQUIRE(first.size() == 6);
  CHECK(as_set(ids(first)) == as_set(all));
  std::set<std::string> tenants;
  for (const auto& e : first) {
    tenants.insert(e.tenant());
    CHECK(e.topic() == "feedback");
    CHECK(e.feedback().id() == e.id());
    CHECK(e.feedback().tenant() == e.tenant());
    CHECK(e.feedback().category() == pb::CATEGORY_CORRECTNESS);
    CHECK_FALSE(e.offset().empty());
  }
  CHECK(tenants == std::set<std::string>{"acme", "globex"});

  // Commit after the fourth; items appended later come after the rest on resume.
  REQUIRE(commit("kp-token", "feedback", "kp", first[3].offset()).ok());
  std::vector<std::string> expected = {first[4].id(), first[5].id()};
  expected.push_back(add_feedback("acme"));
  expected.push_back(add_feedback("globex"));
  const auto resumed = read_n("kp-token", request("feedback", "kp"), 4);
  CHECK(as_set(ids(resumed)) == as_set(expected));
  CHECK(resumed.size() == 4);

  // An explicit token wins over the cursor; another consumer name starts from the beginning.
  const auto explicit_from = read_n("kp-token", request("feedback", "kp", first[4].offset()), 3);
  CHECK(as_set(ids(explicit_from)) == as_set({first[5].id(), expected[2], expected[3]}));
  CHECK(read_n("kp-token", request("feedback", "other"), 8).size() == 8);

  // Commit is durable: a restarted node resumes from the same cursor.
  gw.stop();
  reopen();
  feedback = std::make_unique<persistence::topic_log>(*store, "feedback");
  governance = std::make_unique<persistence::topic_log>(*store, "governance");
  api::api_options opts;
  opts.listen = "127.0.0.1:0";
  opts.service_tokens = {{"knowledge", "kp-token", {"subscribe:feedback"}, {"*"}}};
  api::gateway_links links;
  links.feedback_topic = feedback.get();
  REQUIRE(gw.start(opts, *sys, eng->router(), *store, std::move(links)).code == domain::errc::ok);
  channel = test::loopback_channel(gw.port());
  stub = pb::SubscriptionService::NewStub(channel);
  CHECK(as_set(ids(read_n("kp-token", request("feedback", "kp"), 4))) == as_set(expected));
}

TEST_CASE_METHOD(subscription_fixture, "a tenant token sees its tenant only and cannot subscribe "
                                       "across tenants") {
  const auto a1 = add_feedback("acme");
  add_feedback("globex");
  const auto a2 = add_feedback("acme");
  const auto mine = read_n("acme-token", request("feedback", "ui"), 2);
  CHECK(as_set(ids(mine)) == as_set({a1, a2}));
  for (const auto& e : mine)
    CHECK(e.tenant() == "acme");

  CHECK(refusal("acme-token", request("feedback", "ui", {}, "globex")).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(commit("acme-token", "feedback", "ui", mine[0].offset(), "globex").error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);

  // Cursors are per tenant: globex's consumer "ui" is not moved by acme's commit.
  REQUIRE(commit("acme-token", "feedback", "ui", mine[1].offset()).ok());
  const auto theirs = read_n("globex-token", request("feedback", "ui"), 1);
  REQUIRE(theirs.size() == 1);
  CHECK(theirs[0].tenant() == "globex");

  // A service token limited to acme sees acme only, even without naming it.
  const auto limited = read_n("acme-kp-token", request("feedback", "kp"), 2);
  CHECK(as_set(ids(limited)) == as_set({a1, a2}));
  CHECK(refusal("acme-kp-token", request("feedback", "kp", {}, "globex")).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(subscription_fixture, "a service token needs subscribe:<topic>, bad requests are "
                                       "refused") {
  add_feedback("acme");
  CHECK(refusal("reader-token", request("feedback", "r")).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(refusal("kp-token", request("governance", "kp")).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(refusal("kp-token", request("incidents", "kp")).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(refusal("", request("feedback", "kp")).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  CHECK(refusal("kp-token", request("metrics", "kp")).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(refusal("kp-token", request("feedback", "no/slashes")).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(refusal("kp-token", request("feedback", "kp", "not-a-token!")).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(commit("reader-token", "feedback", "r", "AQ").error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(subscription_fixture, "the incidents and governance topics, streams end on "
                                       "shutdown") {
  pb::OpenIncidentRequest open;
  open.set_title("checkout down");
  open.set_severity(pb::SEVERITY_HIGH);
  pb::IncidentResponse resp;
  REQUIRE(incidents->Open(ctx("acme-token").get(), open, &resp).ok());
  REQUIRE(incidents->Open(ctx("globex-token").get(), open, &resp).ok());

  const auto evs = read_n("acme-token", request("incidents", "ui"), 1);
  REQUIRE(evs.size() == 1);
  CHECK(evs[0].topic() == "incidents");
  CHECK(evs[0].tenant() == "acme");
  CHECK(evs[0].incident_event().type() == "IncidentOpened");
  CHECK(evs[0].id() == evs[0].incident_event().event_id());

  domain::governance_handoff h;
  h.tenant = "globex";
  h.kind = std::string(domain::handoff_cost_anomaly);
  h.subject = "llm.cost";
  h.window_start = t0;
  h.at = t0 + 1;
  h.amount = 120;
  h.threshold = 100;
  h.id = domain::handoff_id(h.tenant, h.kind, h.subject, h.window_start);
  REQUIRE(governance->append_sync(h.id, governance->partition_of(h.id),
                                  persistence::encode_governance(h))
            .created);
  const auto gov = read_n("globex-token", request("governance", "finops"), 1);
  REQUIRE(gov.size() == 1);
  CHECK(gov[0].governance().id() == h.id);
  CHECK(gov[0].governance().amount() == 120);

  // A live stream (caught up, waiting for news) ends UNAVAILABLE when the server stops.
  auto c = ctx("globex-token");
  auto reader = stub->Subscribe(c.get(), request("governance", "finops", gov[0].offset()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  gw.stop();
  pb::SubscribeEvent ev;
  CHECK_FALSE(reader->Read(&ev));
  CHECK(reader->Finish().error_code() == grpc::StatusCode::UNAVAILABLE);
}
