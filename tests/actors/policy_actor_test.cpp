// Policy actors: a valid policy is durable before it is published, an invalid one is refused
// with the field at fault and changes nothing, stored policies come back after a restart, and a
// config file's policy is re-applied only when the file changed (an API policy wins otherwise).
#include "actors/engine_fixture.hpp"

using namespace tocsin;
using tocsin::test::engine_fixture;

namespace {

domain::tenant_policy pager_policy(std::string tenant, domain::duration high_sla) {
  auto p = domain::default_policy(tenant);
  p.sla[domain::severity::high] = high_sla;
  p.channels["pager"] = domain::channel{"pager", "http://127.0.0.1:9/pd",
                                        domain::payload_format::pagerduty, "s3cret", "rk"};
  p.role_channels["runtime.operator"] = {"pager"};
  return p;
}

} // namespace

TEST_CASE("a policy is validated, stored, published, and survives a restart") {
  engine_fixture f;
  f.start();
  auto p = pager_policy("acme", 2 * domain::nanos_per_second);
  REQUIRE(f.eng->apply_policy(p, "api").code == domain::errc::ok);
  CHECK(*f.eng->policies().get("acme") == p);
  CHECK(f.eng->get_policy("acme").value() == p);

  auto bad = p;
  bad.channels["pager"].url.clear();
  auto err = f.eng->apply_policy(bad, "api");
  CHECK(err.code == domain::errc::invalid_argument);
  CHECK(err.message.find("channels.pager.url") != std::string::npos);
  CHECK(*f.eng->policies().get("acme") == p); // unchanged

  auto unknown_role = p;
  unknown_role.default_role = "janitor";
  CHECK(f.eng->apply_policy(unknown_role, "api").message.find("default_role") != std::string::npos);

  CHECK(f.eng->get_policy("nobody").value() == domain::default_policy("nobody"));
  f.reopen();
  REQUIRE(f.eng->init_error().code == domain::errc::ok);
  CHECK(*f.eng->policies().get("acme") == p);
}

TEST_CASE("config policies apply when their file changed; an API policy wins over an unchanged file") {
  engine_fixture f;
  f.start();
  auto from_file = pager_policy("acme", 60 * domain::nanos_per_second);
  REQUIRE(f.eng->apply_config_policies({from_file}).code == domain::errc::ok);
  CHECK(*f.eng->policies().get("acme") == from_file);

  auto from_api = pager_policy("acme", 5 * domain::nanos_per_second);
  REQUIRE(f.eng->apply_policy(from_api, "api").code == domain::errc::ok);
  f.reopen();
  REQUIRE(f.eng->apply_config_policies({from_file}).code == domain::errc::ok); // file unchanged
  CHECK(*f.eng->policies().get("acme") == from_api);

  auto edited = pager_policy("acme", 90 * domain::nanos_per_second);
  f.reopen();
  REQUIRE(f.eng->apply_config_policies({edited}).code == domain::errc::ok); // file changed
  CHECK(*f.eng->policies().get("acme") == edited);
}
