// FeedbackService over real gRPC with the real feedback service behind it (LMDB, actors): List
// with its filters and pages, Get, QualityScores; tenant scoping, scopes, and UNAVAILABLE when
// no feedback service is linked.
#include "actors/feedback_fixture.hpp"
#include "api/gateway.hpp"
#include "support/grpc_client.hpp"
#include "tocsin/v1/api.grpc.pb.h"
#include "tocsin/v1/feedback.pb.h"

#include <grpcpp/grpcpp.h>

using namespace tocsin;
using namespace tocsin::test;
namespace pb = ::tocsin::v1;

namespace {

constexpr domain::timestamp sec = domain::nanos_per_second;

struct feedback_api_fixture : feedback_fixture {
  api::gateway gw;
  std::unique_ptr<pb::FeedbackService::Stub> fb;

  explicit feedback_api_fixture(bool link = true) {
    start();
    api::api_options opts;
    opts.listen = "127.0.0.1:0";
    opts.tenants = {{"acme", {"acme-token"}}, {"globex", {"globex-token"}}};
    opts.service_tokens = {{"reader", "reader-token", {"incidents:read"}, {"acme"}},
                           {"kp", "kp-token", {"feedback:read"}, {"*"}}};
    api::gateway_links links;
    if (link) {
      links.feedback = svc->actor();
      links.feedback_topic = topic.get();
    }
    REQUIRE(gw.start(opts, *sys, eng->router(), *store, std::move(links)).code == domain::errc::ok);
    fb = pb::FeedbackService::NewStub(loopback_channel(gw.port()));
  }
  ~feedback_api_fixture() { gw.stop(); }

  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& token) {
    return call_context(token);
  }

  pb::ListFeedbackResponse list(pb::ListFeedbackRequest req, const std::string& token = "acme-token") {
    pb::ListFeedbackResponse resp;
    auto s = fb->List(ctx(token).get(), req, &resp);
    REQUIRE(s.ok());
    return resp;
  }
};

domain::feedback_item make_item(const std::string& tenant, const std::string& source_id,
                                domain::category cat, domain::sentiment sent, std::string trace,
                                std::string artifact, std::string agent, std::string skill,
                                domain::timestamp at) {
  domain::feedback_item it;
  it.tenant = tenant;
  it.source = domain::feedback_source::signal;
  it.source_id = source_id;
  it.cat = cat;
  it.sent = sent;
  it.summary = "summary of " + source_id;
  it.trace_id = std::move(trace);
  it.artifact_id = std::move(artifact);
  it.agent_id = std::move(agent);
  it.skill_id = std::move(skill);
  it.created_at = at;
  return it;
}

std::vector<std::string> source_ids(const pb::ListFeedbackResponse& r) {
  std::vector<std::string> out;
  for (const auto& it : r.items())
    out.push_back(it.source_id());
  return out;
}

void seed(feedback_fixture& f) {
  const domain::timestamp t0 = f.clock.now();
  using domain::category;
  using domain::sentiment;
  REQUIRE(f.create(make_item("acme", "s1", category::reliability, sentiment::negative, "t-1",
                             "art-1", "agent-1", "skill-1", t0)).code == domain::errc::ok);
  REQUIRE(f.create(make_item("acme", "s2", category::cost, sentiment::positive, "t-2", "art-1",
                             "agent-2", "skill-1", t0 + sec)).code == domain::errc::ok);
  REQUIRE(f.create(make_item("acme", "s3", category::correctness, sentiment::neutral, "t-1",
                             "art-2", "agent-2", "", t0 + 2 * sec)).code == domain::errc::ok);
  REQUIRE(f.create(make_item("globex", "g1", category::reliability, sentiment::negative, "t-1",
                             "art-1", "agent-1", "skill-1", t0)).code == domain::errc::ok);
}

} // namespace

TEST_CASE("FeedbackService lists items newest first, with filters and pages", "[api][feedback]") {
  feedback_api_fixture f;
  seed(f);
  using V = std::vector<std::string>;
  pb::ListFeedbackRequest req;
  auto all = f.list(req);
  CHECK(source_ids(all) == V{"s3", "s2", "s1"});
  CHECK(all.next_page_token().empty());
  const auto& newest = all.items(0);
  CHECK(newest.tenant() == "acme");
  CHECK(newest.source() == pb::FEEDBACK_SOURCE_SIGNAL);
  CHECK(newest.category() == pb::CATEGORY_CORRECTNESS);
  CHECK(newest.sentiment() == pb::SENTIMENT_NEUTRAL);
  CHECK(newest.summary() == "summary of s3");
  CHECK(newest.trace_id() == "t-1");
  CHECK(newest.artifact_id() == "art-2");
  CHECK(newest.agent_id() == "agent-2");
  CHECK(newest.skill_id().empty());
  CHECK(newest.id() == domain::feedback_id("acme", domain::feedback_source::signal, "s3"));

  req.set_trace_id("t-1");
  CHECK(source_ids(f.list(req)) == V{"s3", "s1"});
  req.set_artifact_id("art-1"); // both filters hold
  CHECK(source_ids(f.list(req)) == V{"s1"});
  req.Clear();
  req.set_artifact_id("art-1");
  CHECK(source_ids(f.list(req)) == V{"s2", "s1"});
  req.Clear();
  req.set_agent_id("agent-2");
  CHECK(source_ids(f.list(req)) == V{"s3", "s2"});
  req.Clear();
  req.set_skill_id("skill-1");
  CHECK(source_ids(f.list(req)) == V{"s2", "s1"});
  req.set_category(pb::CATEGORY_COST);
  CHECK(source_ids(f.list(req)) == V{"s2"});
  req.Clear();
  req.set_category(pb::CATEGORY_PERFORMANCE);
  CHECK(f.list(req).items().empty());
  req.Clear();
  req.set_artifact_id("nope");
  CHECK(f.list(req).items().empty());

  // Pages of two: s3 s2 | s1.
  req.Clear();
  req.set_page_size(2);
  auto p1 = f.list(req);
  CHECK(source_ids(p1) == V{"s3", "s2"});
  REQUIRE_FALSE(p1.next_page_token().empty());
  req.set_page_token(p1.next_page_token());
  auto p2 = f.list(req);
  CHECK(source_ids(p2) == V{"s1"});
  CHECK(p2.next_page_token().empty());
  // A token of another query is refused.
  req.set_trace_id("t-2");
  pb::ListFeedbackResponse resp;
  CHECK(f.fb->List(f.ctx("acme-token").get(), req, &resp).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("FeedbackService Get and QualityScores", "[api][feedback]") {
  feedback_api_fixture f;
  seed(f);
  pb::GetFeedbackRequest get;
  get.set_id(domain::feedback_id("acme", domain::feedback_source::signal, "s2"));
  pb::FeedbackItem item;
  REQUIRE(f.fb->Get(f.ctx("acme-token").get(), get, &item).ok());
  CHECK(item.source_id() == "s2");
  CHECK(item.category() == pb::CATEGORY_COST);
  CHECK(item.sentiment() == pb::SENTIMENT_POSITIVE);
  CHECK(item.created_at_unix_nano() == static_cast<std::uint64_t>(f.clock.now() + sec));

  pb::QualityScoresRequest q;
  pb::QualityScoresResponse scores;
  REQUIRE(f.fb->QualityScores(f.ctx("acme-token").get(), q, &scores).ok());
  // agents 1, 2; artifacts 1, 2; skill 1 (ordered by kind name, then id)
  REQUIRE(scores.scores_size() == 5);
  CHECK(scores.scores(0).kind() == pb::SUBJECT_KIND_AGENT);
  CHECK(scores.scores(0).id() == "agent-1");
  CHECK(scores.scores(4).kind() == pb::SUBJECT_KIND_SKILL);
  q.set_kind(pb::SUBJECT_KIND_ARTIFACT);
  scores.Clear();
  REQUIRE(f.fb->QualityScores(f.ctx("acme-token").get(), q, &scores).ok());
  REQUIRE(scores.scores_size() == 2);
  const auto& art1 = scores.scores(0);
  CHECK(art1.id() == "art-1");
  CHECK(art1.items() == 2);
  CHECK(art1.negative() == 1);
  CHECK(art1.positive() == 1);
  // negative reliability (w 1, v 0) and positive cost (w 0.5, v 1) one second apart (decay
  // over one second is below 1e-5): 100 * (1 + 0.5) / (2 + 1.5)
  CHECK(art1.score() == Approx(150.0 / 3.5).epsilon(1e-4));
  CHECK(art1.last_at_unix_nano() == static_cast<std::uint64_t>(f.clock.now() + sec));
  const auto& art2 = scores.scores(1);
  CHECK(art2.id() == "art-2");
  // neutral correctness: 100 * (1 + 0.5) / (2 + 1) = 50
  CHECK(art2.score() == Approx(50));
}

TEST_CASE("FeedbackService keeps tenants apart and checks scopes", "[api][feedback]") {
  feedback_api_fixture f;
  seed(f);
  using V = std::vector<std::string>;
  pb::ListFeedbackRequest req;
  CHECK(source_ids(f.list(req, "globex-token")) == V{"g1"});
  req.set_tenant("globex");
  pb::ListFeedbackResponse resp;
  auto s = f.fb->List(f.ctx("acme-token").get(), req, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);

  // Another tenant's item and a missing one look the same to a tenant token.
  pb::GetFeedbackRequest get;
  pb::FeedbackItem item;
  get.set_id(domain::feedback_id("acme", domain::feedback_source::signal, "s1"));
  auto other = f.fb->Get(f.ctx("globex-token").get(), get, &item);
  CHECK(other.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  get.set_id("fb-0000000000000000");
  auto missing = f.fb->Get(f.ctx("globex-token").get(), get, &item);
  CHECK(missing.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(missing.error_message() ==
        "feedback item fb-0000000000000000 is not accessible with this token");

  // Scores: a tenant sees its own subjects only.
  pb::QualityScoresRequest q;
  pb::QualityScoresResponse scores;
  REQUIRE(f.fb->QualityScores(f.ctx("globex-token").get(), q, &scores).ok());
  CHECK(scores.scores_size() == 3);

  // Scopes: incidents:read is not feedback:read.
  s = f.fb->List(f.ctx("reader-token").get(), pb::ListFeedbackRequest{}, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(s.error_message(), Catch::Contains("feedback:read"));
  // A service token across tenants names the tenant; it may see that a feedback id is unknown.
  s = f.fb->List(f.ctx("kp-token").get(), pb::ListFeedbackRequest{}, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  req.set_tenant("acme");
  CHECK(source_ids(f.list(req, "kp-token")) == V{"s3", "s2", "s1"});
  get.set_tenant("acme");
  CHECK(f.fb->Get(f.ctx("kp-token").get(), get, &item).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  s = f.fb->List(f.ctx("bad-token").get(), pb::ListFeedbackRequest{}, &resp);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE("FeedbackService is UNAVAILABLE without a feedback service", "[api][feedback]") {
  feedback_api_fixture f(false);
  pb::ListFeedbackResponse resp;
  auto s = f.fb->List(f.ctx("acme-token").get(), pb::ListFeedbackRequest{}, &resp);
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  pb::QualityScoresResponse scores;
  s = f.fb->QualityScores(f.ctx("acme-token").get(), pb::QualityScoresRequest{}, &scores);
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
}
