// PolicyService over real gRPC: apply and get with redacted secrets, validation errors naming
// the field, tenancy and scopes, and the "***" round trip that keeps a stored secret.
#include "api/operator_fixture.hpp"
#include "api/policy_service.hpp"
#include "persistence/policy_codec.hpp"
#include "tocsin/v1/definitions.pb.h"

using namespace tocsin;
using test::operator_fixture;
namespace pb = ::tocsin::v1;

namespace {

domain::tenant_policy paging_policy(const std::string& tenant) {
  auto p = domain::default_policy(tenant);
  p.channels["pager"] = {"pager", "http://127.0.0.1:9/pd", domain::payload_format::tocsin,
                         "s3cret", ""};
  p.channels["chat"] = {"chat", "http://127.0.0.1:9/chat", domain::payload_format::slack, "", ""};
  p.role_channels["runtime.operator"] = {"pager", "chat"};
  return p;
}

pb::ApplyPolicyRequest apply_request(const domain::tenant_policy& p) {
  pb::ApplyPolicyRequest req;
  persistence::policy_to_pb(p, *req.mutable_policy());
  return req;
}

const pb::Channel* find_channel(const pb::TenantPolicy& p, const std::string& name) {
  for (const auto& c : p.channels())
    if (c.name() == name)
      return &c;
  return nullptr;
}

} // namespace

TEST_CASE_METHOD(operator_fixture, "apply a valid policy, then get it with secrets redacted") {
  auto req = apply_request(paging_policy("acme"));
  req.mutable_policy()->clear_tenant(); // a tenant token defaults to its tenant
  pb::PolicyResponse applied;
  auto s = policies->Apply(ctx("acme-token").get(), req, &applied);
  REQUIRE(s.error_message() == "");
  CHECK(applied.source() == "api");
  CHECK(applied.applied_at_unix_nano() > 0);
  CHECK(applied.policy().tenant() == "acme");
  REQUIRE(find_channel(applied.policy(), "pager"));
  CHECK(find_channel(applied.policy(), "pager")->secret() == "***");
  CHECK(find_channel(applied.policy(), "chat")->secret() == "");

  pb::GetPolicyRequest get;
  pb::PolicyResponse got;
  REQUIRE(policies->Get(ctx("acme-token").get(), get, &got).ok());
  CHECK(got.source() == "api");
  CHECK(got.applied_at_unix_nano() == applied.applied_at_unix_nano());
  CHECK(find_channel(got.policy(), "pager")->url() == "http://127.0.0.1:9/pd");
  CHECK(find_channel(got.policy(), "pager")->secret() == "***");
  CHECK(got.policy().role_channels_size() == 1);
  // The engine holds the real secret.
  CHECK(eng->policies().get("acme")->channels.at("pager").secret == "s3cret");
}

TEST_CASE_METHOD(operator_fixture, "get without any applied policy answers the default one") {
  pb::GetPolicyRequest get;
  pb::PolicyResponse got;
  REQUIRE(policies->Get(ctx("globex-token").get(), get, &got).ok());
  CHECK(got.source() == "default");
  CHECK(got.applied_at_unix_nano() == 0);
  CHECK(got.policy().tenant() == "globex");
  CHECK(got.policy().steps_size() == 1);
}

TEST_CASE_METHOD(operator_fixture, "an invalid policy is INVALID_ARGUMENT naming the field") {
  auto p = paging_policy("acme");
  p.channels["pager"].url = "";
  pb::PolicyResponse resp;
  auto s = policies->Apply(ctx("acme-token").get(), apply_request(p), &resp);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(), Catch::Contains("channels.pager.url"));
  // Nothing was applied.
  CHECK(eng->policies().get("acme")->channels.empty());
}

TEST_CASE_METHOD(operator_fixture, "another tenant's policy is PERMISSION_DENIED") {
  pb::PolicyResponse resp;
  auto s = policies->Apply(ctx("acme-token").get(), apply_request(paging_policy("globex")), &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(eng->policies().get("globex")->channels.empty());

  pb::GetPolicyRequest get;
  get.set_tenant("globex");
  s = policies->Get(ctx("acme-token").get(), get, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);

  // Scopes: incidents:read alone reads no policy; policy:read does not write one.
  get.set_tenant("acme");
  s = policies->Get(ctx("reader-token").get(), get, &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(s.error_message(), Catch::Contains("policy:read"));
  REQUIRE(policies->Get(ctx("ops-token").get(), get, &resp).ok());
  s = policies->Apply(ctx("ops-token").get(), apply_request(paging_policy("acme")), &resp);
  CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(s.error_message(), Catch::Contains("policy:write"));
}

TEST_CASE_METHOD(operator_fixture, "get, edit and apply again keeps the redacted secret") {
  pb::PolicyResponse resp;
  REQUIRE(policies->Apply(ctx("acme-token").get(), apply_request(paging_policy("acme")), &resp)
            .ok());
  pb::GetPolicyRequest get;
  pb::PolicyResponse got;
  REQUIRE(policies->Get(ctx("acme-token").get(), get, &got).ok());

  pb::ApplyPolicyRequest edit;
  *edit.mutable_policy() = got.policy();
  for (auto& c : *edit.mutable_policy()->mutable_channels())
    if (c.name() == "pager")
      c.set_url("http://127.0.0.1:9/pd2");
  auto s = policies->Apply(ctx("acme-token").get(), edit, &resp);
  REQUIRE(s.error_message() == "");
  auto now = eng->policies().get("acme");
  CHECK(now->channels.at("pager").url == "http://127.0.0.1:9/pd2");
  CHECK(now->channels.at("pager").secret == "s3cret");
  CHECK(now->channels.at("chat").secret.empty());

  SECTION("*** for a channel without a stored secret is refused") {
    for (auto& c : *edit.mutable_policy()->mutable_channels())
      if (c.name() == "chat")
        c.set_secret("***");
    s = policies->Apply(ctx("acme-token").get(), edit, &resp);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(s.error_message(), Catch::Contains("channels.chat.secret"));
  }
}

TEST_CASE("redaction helpers") {
  pb::TenantPolicy m;
  auto* a = m.add_channels();
  a->set_name("a");
  a->set_secret("x");
  m.add_channels()->set_name("b");
  api::redact_secrets(m);
  CHECK(m.channels(0).secret() == "***");
  CHECK(m.channels(1).secret() == "");

  auto stored = domain::default_policy("t");
  stored.channels["a"] = {"a", "http://h/a", domain::payload_format::tocsin, "x", ""};
  auto incoming = stored;
  incoming.channels["a"].secret = "***";
  REQUIRE(api::keep_redacted_secrets(incoming, stored).code == domain::errc::ok);
  CHECK(incoming.channels["a"].secret == "x");
  incoming.channels["b"] = {"b", "http://h/b", domain::payload_format::tocsin, "***", ""};
  CHECK(api::keep_redacted_secrets(incoming, stored).code == domain::errc::invalid_argument);
}

TEST_CASE("without the policy manager wired, PolicyService is UNAVAILABLE") {
  operator_fixture f{false};
  pb::PolicyResponse resp;
  auto s = f.policies->Apply(operator_fixture::ctx("acme-token").get(),
                             apply_request(paging_policy("acme")), &resp);
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  pb::DeliveryStatsResponse stats;
  s = f.admin->DeliveryStats(operator_fixture::ctx("acme-token").get(), {}, &stats);
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
}
