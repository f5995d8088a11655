// Bearer tokens: tenants, service scopes, anonymous dev mode; tenant selection per call.
#include "api/auth.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::api;

namespace {

api_options options() {
  api_options o;
  o.tenants = {{"acme", {"acme-token-1", "acme-token-2"}}, {"globex", {"globex-token"}}};
  o.service_tokens = {{"knowledge", "kp-token", {"subscribe:feedback"}, {"*"}},
                      {"reader", "reader-token", {"incidents:read"}, {"acme"}}};
  return o;
}

} // namespace

TEST_CASE("tenant tokens authenticate as their tenant with read and write scopes") {
  authenticator auth{options()};
  auto p = auth.authenticate(std::string_view{"Bearer acme-token-2"});
  REQUIRE(p.ok());
  CHECK(p.value->name == "acme");
  CHECK(p.value->has_scope(scope::incidents_write));
  auto t = authenticator::tenant_for(*p.value, "", scope::incidents_read);
  REQUIRE(t.ok());
  CHECK(*t.value == "acme");
  auto other = authenticator::tenant_for(*p.value, "globex", scope::incidents_read);
  REQUIRE_FALSE(other.ok());
  CHECK(other.error.type == auth_error::kind::permission_denied);
}

TEST_CASE("missing, malformed and unknown tokens are unauthenticated") {
  authenticator auth{options()};
  for (auto header : {std::optional<std::string_view>{}, std::optional<std::string_view>{""},
                      std::optional<std::string_view>{"acme-token-1"},
                      std::optional<std::string_view>{"Bearer acme-token-"},
                      std::optional<std::string_view>{"Bearer acme-token-10"}}) {
    auto p = auth.authenticate(header);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error.type == auth_error::kind::unauthenticated);
  }
}

TEST_CASE("service tokens may do what their scopes say and nothing else") {
  authenticator auth{options()};
  auto kp = auth.authenticate(std::string_view{"Bearer kp-token"});
  REQUIRE(kp.ok());
  CHECK(kp.value->has_scope("subscribe:feedback"));
  CHECK(kp.value->may_act_for("any-tenant"));
  CHECK_FALSE(authenticator::tenant_for(*kp.value, "acme", scope::incidents_read).ok());

  auto reader = auth.authenticate(std::string_view{"Bearer reader-token"});
  REQUIRE(reader.ok());
  auto t = authenticator::tenant_for(*reader.value, "", scope::incidents_read);
  REQUIRE(t.ok());
  CHECK(*t.value == "acme");
  CHECK_FALSE(authenticator::tenant_for(*reader.value, "acme", scope::incidents_write).ok());
  CHECK_FALSE(authenticator::tenant_for(*reader.value, "globex", scope::incidents_read).ok());
}

TEST_CASE("anonymous access only when allowed, acting for the named tenant or default") {
  api_options dev;
  dev.allow_anonymous = true;
  authenticator auth{dev};
  auto p = auth.authenticate(std::nullopt);
  REQUIRE(p.ok());
  CHECK(*authenticator::tenant_for(*p.value, "", scope::incidents_write).value == "default");
  CHECK(*authenticator::tenant_for(*p.value, "acme", scope::incidents_write).value == "acme");
  CHECK_FALSE(authenticator{options()}.authenticate(std::nullopt).ok());
}

TEST_CASE("token comparison is exact") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("abcd", "abc"));
  CHECK_FALSE(constant_time_equal("", "abc"));
}
