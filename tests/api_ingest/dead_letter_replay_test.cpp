// OTLP dead letters in the operator API: an unknown tenant's telemetry is refused (422 /
// FAILED_PRECONDITION) and dead-lettered; listed and shown through AdminService; replayed once
// the tenant has a policy (accepted into the aggregation, erased durably); a malformed one stays
// dead with attempts counted; notification dead letters do not replay; tenants see their own.
#include "actors/notification_record.hpp"
#include "api_ingest/ingest_fixture.hpp"

#include <httplib.h>

using namespace tocsin;
using test::ingest_fixture;
using test::ingest_setup;
namespace col_trace = test::col_trace;
namespace pb = ::tocsin::v1;

namespace {

ingest_setup known_tenants_only() {
  ingest_setup s;
  s.require_known_tenant = true;
  s.with_gateway = true;
  return s;
}

domain::tenant_policy policy_for(const std::string& tenant) {
  auto p = domain::default_policy(tenant);
  return p;
}

} // namespace

TEST_CASE("an unknown tenant's telemetry is dead-lettered and replays once the tenant exists") {
  ingest_fixture f{known_tenants_only()};
  auto stub = col_trace::TraceService::NewStub(f.otlp_channel());
  col_trace::ExportTraceServiceResponse resp;
  auto status = stub->Export(f.ctx("acme-token").get(), f.traces("shop", "buy", 4, 1), &resp);
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  httplib::Client http("127.0.0.1", f.receivers.http_port());
  auto r = http.Post("/v1/traces", f.traces("shop", "buy", 2, 0, "globex").SerializeAsString(),
                     "application/x-protobuf");
  REQUIRE(r);
  CHECK(r->status == 422);

  auto admin = f.admin();
  pb::ListDeadLettersRequest list_req;
  list_req.set_kind("otlp");
  pb::ListDeadLettersResponse list;
  REQUIRE(admin->ListDeadLetters(f.ctx("ops-token").get(), list_req, &list).ok());
  REQUIRE(list.dead_letters_size() == 2);
  const auto& acme_dl = list.dead_letters(0);
  CHECK(acme_dl.kind() == "otlp");
  CHECK(acme_dl.tenant() == "acme");
  CHECK(acme_dl.reason() == "unknown_tenant");
  CHECK(acme_dl.receiver() == "grpc");
  CHECK(acme_dl.signal() == "traces");
  CHECK(acme_dl.content_type() == "application/x-protobuf");
  CHECK(acme_dl.attempts() == 1);
  CHECK(acme_dl.size() > 0);
  CHECK(list.dead_letters(1).tenant() == "globex");

  // A tenant token sees its own tenant's only.
  pb::ListDeadLettersResponse mine;
  REQUIRE(admin->ListDeadLetters(f.ctx("acme-token").get(), list_req, &mine).ok());
  REQUIRE(mine.dead_letters_size() == 1);
  CHECK(mine.dead_letters(0).id() == acme_dl.id());

  pb::GetDeadLetterRequest get_req;
  get_req.set_id(acme_dl.id());
  pb::DeadLetter shown;
  REQUIRE(admin->GetDeadLetter(f.ctx("acme-token").get(), get_req, &shown).ok());
  CHECK(shown.body().size() == shown.size());
  CHECK_FALSE(shown.record_json().empty());

  // Still unknown: the replay fails and the dead letter stays, attempts counted.
  pb::ReplayDeadLetterRequest replay_req;
  replay_req.set_id(acme_dl.id());
  pb::ReplayDeadLetterResponse replayed;
  auto still = admin->ReplayDeadLetter(f.ctx("acme-token").get(), replay_req, &replayed);
  CHECK(still.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  REQUIRE(admin->GetDeadLetter(f.ctx("acme-token").get(), get_req, &shown).ok());
  CHECK(shown.attempts() == 2);

  // The cause fixed, the replay goes through and the dead letter is gone.
  REQUIRE(f.eng->apply_policy(policy_for("acme"), "api").code == domain::errc::ok);
  REQUIRE(admin->ReplayDeadLetter(f.ctx("acme-token").get(), replay_req, &replayed).ok());
  CHECK(replayed.tenant() == "acme");
  CHECK(replayed.signal() == "traces");
  CHECK(replayed.accepted() == 4);
  auto sum = f.wait_for_calls("acme", "shop", "buy", 4);
  CHECK(sum.value.calls == 4);
  CHECK(sum.value.errors == 1);
  auto gone = admin->GetDeadLetter(f.ctx("acme-token").get(), get_req, &shown);
  CHECK(gone.error_code() == grpc::StatusCode::PERMISSION_DENIED); // missing looks hidden
  CHECK_FALSE(f.store->get(persistence::kv_db::dead_letters, acme_dl.id())->has_value());
  CHECK(f.receivers.counters().replayed.load() == 1);

  // globex's is not acme's to replay.
  replay_req.set_id(list.dead_letters(1).id());
  CHECK(admin->ReplayDeadLetter(f.ctx("acme-token").get(), replay_req, &replayed).error_code()
        == grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE("a malformed dead letter stays dead after replay") {
  ingest_fixture f{known_tenants_only()};
  REQUIRE(f.eng->apply_policy(policy_for("acme"), "api").code == domain::errc::ok);
  httplib::Client http("127.0.0.1", f.receivers.http_port());
  httplib::Headers auth{{"Authorization", "Bearer acme-token"}};
  auto r = http.Post("/v1/metrics", auth, R"({"resourceMetrics": 17})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  auto rows = f.dead_letters();
  REQUIRE(rows.size() == 1);
  const auto key = rows[0].first;

  auto admin = f.admin();
  pb::ReplayDeadLetterRequest req;
  req.set_id(key.substr(5)); // a bare id names an otlp dead letter
  pb::ReplayDeadLetterResponse resp;
  auto status = admin->ReplayDeadLetter(f.ctx("ops-token").get(), req, &resp);
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(status.error_message(), Catch::Contains("malformed"));
  auto kept = api::decode_otlp_dead_letter(**f.store->get(persistence::kv_db::dead_letters, key));
  REQUIRE(kept);
  CHECK(kept->env.attempts == 2);
  CHECK(kept->env.reason == "malformed");
  CHECK(kept->payload == R"({"resourceMetrics": 17})");

  req.set_id("otlp/01ARZ3NDEKTSV4RRFFQ69G5FAV");
  CHECK(admin->ReplayDeadLetter(f.ctx("ops-token").get(), req, &resp).error_code()
        == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("notification dead letters are not replayed") {
  ingest_fixture f{known_tenants_only()};
  actors::notification_record rec;
  rec.id = "n1";
  rec.tenant = "acme";
  rec.channel = "pager";
  rec.status = "dead";
  REQUIRE(f.store
            ->write_sync({{persistence::kv_db::dead_letters, persistence::kv_op::put,
                           actors::dead_letter_key("n1"),
                           actors::encode_dead_letter(rec, "attempts exhausted")}})
            .code
          == domain::errc::ok);
  auto admin = f.admin();
  pb::ReplayDeadLetterRequest req;
  req.set_id(actors::dead_letter_key("n1"));
  pb::ReplayDeadLetterResponse resp;
  auto status = admin->ReplayDeadLetter(f.ctx("ops-token").get(), req, &resp);
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK_THAT(status.error_message(), Catch::Contains("replay applies to otlp dead letters"));
}
