// AdminService DeliveryStats, ListDeadLetters and GetDeadLetter over real gRPC: a tenant token
// sees its own tenant only, an admin service token everything, a token without admin nothing.
#include "actors/notification_record.hpp"
#include "api/operator_fixture.hpp"

using namespace tocsin;
using test::operator_fixture;
namespace pb = ::tocsin::v1;

namespace {

actors::notification_record record(const std::string& id, const std::string& tenant) {
  actors::notification_record r;
  r.id = id;
  r.tenant = tenant;
  r.channel = "pager";
  r.url = "http://127.0.0.1:9/pd";
  r.format = "tocsin";
  r.kind = "trigger";
  r.incident_id = "inc-" + tenant;
  r.event_id = "ev-" + id;
  r.body = "{\"summary\":\"body of " + id + "\"}";
  r.status = "dead";
  r.attempts = 8;
  r.created_at = "2026-11-28T05:00:00.000Z";
  r.last_error = "HTTP 503";
  return r;
}

void write_dead_letters(persistence::store& st) {
  using persistence::kv_db;
  std::vector<persistence::kv_op> ops;
  for (const auto& [id, tenant] : {std::pair{"aaaa", "acme"}, std::pair{"bbbb", "globex"},
                                   std::pair{"cccc", "acme"}})
    ops.push_back({kv_db::dead_letters, persistence::kv_op::put, actors::dead_letter_key(id),
                   actors::encode_dead_letter(record(id, tenant), "attempts exhausted")});
  ops.push_back({kv_db::dead_letters, persistence::kv_op::put, "notify-event/ev-x",
                 actors::encode_event_dead_letter("ev-x", "inc-x", "event does not decode")});
  REQUIRE(st.write_sync(std::move(ops)).code == domain::errc::ok);
}

std::vector<std::string> ids(const pb::ListDeadLettersResponse& r) {
  std::vector<std::string> out;
  for (const auto& d : r.dead_letters())
    out.push_back(d.id());
  return out;
}

} // namespace

TEST_CASE_METHOD(operator_fixture, "delivery stats are shown per tenant") {
  actors::channel_stats a;
  a.tenant = "acme";
  a.channel = "pager";
  a.delivered = 3;
  a.failures = 1;
  a.last_error = "HTTP 503";
  actors::channel_stats g;
  g.tenant = "globex";
  g.channel = "hook";
  fake_stats = {a, g};

  pb::DeliveryStatsResponse resp;
  REQUIRE(admin->DeliveryStats(ctx("acme-token").get(), {}, &resp).ok());
  REQUIRE(resp.channels_size() == 1);
  CHECK(resp.channels(0).tenant() == "acme");
  CHECK(resp.channels(0).delivered() == 3);
  CHECK(resp.channels(0).last_error() == "HTTP 503");

  resp.Clear();
  REQUIRE(admin->DeliveryStats(ctx("ops-token").get(), {}, &resp).ok());
  CHECK(resp.channels_size() == 2);

  auto s = admin->DeliveryStats(ctx("reader-token").get(), {}, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE_METHOD(operator_fixture, "dead letters are listed per tenant") {
  pb::ListDeadLettersResponse resp;
  REQUIRE(admin->ListDeadLetters(ctx("acme-token").get(), {}, &resp).ok());
  CHECK(resp.dead_letters_size() == 0); // an empty store is an empty list
  CHECK(resp.next_page_token().empty());

  write_dead_letters(*store);
  resp.Clear();
  REQUIRE(admin->ListDeadLetters(ctx("acme-token").get(), {}, &resp).ok());
  CHECK(ids(resp) == std::vector<std::string>{"notification/aaaa", "notification/cccc"});
  const auto& d = resp.dead_letters(0);
  CHECK(d.kind() == "notification");
  CHECK(d.tenant() == "acme");
  CHECK(d.channel() == "pager");
  CHECK(d.incident_id() == "inc-acme");
  CHECK(d.event_id() == "ev-aaaa");
  CHECK(d.reason() == "attempts exhausted");
  CHECK(d.last_error() == "HTTP 503");
  CHECK(d.attempts() == 8);
  CHECK(d.created_at() == "2026-11-28T05:00:00.000Z");
  CHECK(d.record_json().empty()); // the body only with GetDeadLetter

  resp.Clear();
  REQUIRE(admin->ListDeadLetters(ctx("globex-token").get(), {}, &resp).ok());
  CHECK(ids(resp) == std::vector<std::string>{"notification/bbbb"});

  SECTION("an admin token sees all, page by page") {
    std::vector<std::string> all;
    pb::ListDeadLettersRequest req;
    req.set_page_size(1);
    for (int i = 0; i < 10; ++i) {
      pb::ListDeadLettersResponse page;
      REQUIRE(admin->ListDeadLetters(ctx("ops-token").get(), req, &page).ok());
      for (auto& id : ids(page))
        all.push_back(id);
      if (page.next_page_token().empty())
        break;
      req.set_page_token(page.next_page_token());
    }
    CHECK(all == std::vector<std::string>{"notification/aaaa", "notification/bbbb",
                                          "notification/cccc", "notify-event/ev-x"});
    pb::ListDeadLettersRequest events;
    events.set_kind("notify-event");
    pb::ListDeadLettersResponse page;
    REQUIRE(admin->ListDeadLetters(ctx("ops-token").get(), events, &page).ok());
    CHECK(ids(page) == std::vector<std::string>{"notify-event/ev-x"});
    events.set_kind("bogus");
    auto s = admin->ListDeadLetters(ctx("ops-token").get(), events, &page);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }

  SECTION("get shows the full record to its tenant only") {
    pb::GetDeadLetterRequest req;
    req.set_id("aaaa"); // a bare notification id
    pb::DeadLetter got;
    REQUIRE(admin->GetDeadLetter(ctx("acme-token").get(), req, &got).ok());
    CHECK(got.id() == "notification/aaaa");
    CHECK_THAT(got.record_json(), Catch::Contains("body of aaaa"));

    req.set_id("notification/bbbb");
    auto other = admin->GetDeadLetter(ctx("acme-token").get(), req, &got);
    CHECK(other.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    req.set_id("notification/ffff");
    auto missing = admin->GetDeadLetter(ctx("acme-token").get(), req, &got);
    CHECK(missing.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(missing.error_message()
          == "dead letter notification/ffff is not accessible with this token");
    CHECK(admin->GetDeadLetter(ctx("ops-token").get(), req, &got).error_code()
          == grpc::StatusCode::NOT_FOUND);
    req.set_id("notify-event/ev-x");
    CHECK(admin->GetDeadLetter(ctx("acme-token").get(), req, &got).error_code()
          == grpc::StatusCode::PERMISSION_DENIED);
    REQUIRE(admin->GetDeadLetter(ctx("ops-token").get(), req, &got).ok());
    CHECK(got.reason() == "event does not decode");
  }

  auto s = admin->ListDeadLetters(ctx("reader-token").get(), {}, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
}
