// SloService over real gRPC with the real SLO runtime behind it: Apply (OpenSLO YAML and
// structured), Get, List, Status, Delete; invalid definitions refused naming file, line and
// field with nothing stored; tenant scoping and scopes; UNAVAILABLE without an SLO manager.
#include "actors/slo_fixture.hpp"
#include "api/gateway.hpp"
#include "persistence/slo_codec.hpp"
#include "support/grpc_client.hpp"
#include "support/openslo_text.hpp"
#include "tocsin/v1/api.grpc.pb.h"
#include "tocsin/v1/definitions.pb.h"

#include <grpcpp/grpcpp.h>

using namespace tocsin;
using namespace tocsin::test;
namespace pb = ::tocsin::v1;

namespace {

// fast_slo() as an operator writes it: 90 % of `POST /pay` succeed over 60 s; fast-burn pages.
const std::string checkout_yaml = [] {
  span_slo_text s;
  s.display_name = "Checkout availability";
  s.span = "POST /pay";
  s.severity = "page";
  return openslo_text(s);
}();

struct slo_api_fixture : slo_fixture {
  api::gateway gw;
  std::unique_ptr<pb::SloService::Stub> slo;

  explicit slo_api_fixture(bool link = true) {
    start();
    api::api_options opts;
    opts.listen = "127.0.0.1:0";
    opts.tenants = {{"acme", {"acme-token"}}, {"globex", {"globex-token"}}};
    opts.service_tokens = {{"reader", "reader-token", {"incidents:read"}, {"acme"}},
                           {"slo-reader", "slo-reader-token", {"slo:read"}, {"*"}}};
    api::gateway_links links;
    if (link)
      links.slos = slos->manager();
    REQUIRE(gw.start(opts, *sys, eng->router(), *store, std::move(links)).code == domain::errc::ok);
    slo = pb::SloService::NewStub(loopback_channel(gw.port()));
  }
  ~slo_api_fixture() { gw.stop(); }

  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& token) {
    return call_context(token);
  }

  grpc::Status apply_yaml(const std::string& yaml, const std::string& token = "acme-token",
                          pb::ApplySloResponse* out = nullptr) {
    pb::ApplySloRequest req;
    req.set_yaml(yaml);
    req.set_file_name("checkout.yaml");
    pb::ApplySloResponse resp;
    return slo->Apply(ctx(token).get(), req, out ? out : &resp);
  }

  pb::SloStatus status(const std::string& id, const std::string& token = "acme-token") {
    pb::SloStatusRequest req;
    req.set_id(id);
    pb::SloStatus out;
    auto s = slo->Status(ctx(token).get(), req, &out);
    INFO(s.error_message());
    REQUIRE(s.ok());
    return out;
  }
};

} // namespace

TEST_CASE("SloService: apply OpenSLO YAML, get, list, status, delete", "[slo][api]") {
  slo_api_fixture f;
  pb::ApplySloResponse applied;
  auto s = f.apply_yaml(checkout_yaml, "acme-token", &applied);
  INFO(s.error_message());
  REQUIRE(s.ok());
  REQUIRE(applied.slos_size() == 1);
  const auto& stored = applied.slos(0);
  CHECK(stored.source() == "api");
  CHECK(stored.yaml() == checkout_yaml);
  CHECK(stored.applied_at_unix_nano() == static_cast<std::uint64_t>(f.clock.now()));
  CHECK(stored.definition().id() == "checkout-availability");
  CHECK(stored.definition().tenant() == "acme");
  CHECK(stored.definition().target() == 0.9);
  CHECK(stored.definition().window_nanos() == 60 * sec);
  REQUIRE(stored.definition().conditions_size() == 1);
  CHECK(stored.definition().conditions(0).severity() == pb::SEVERITY_HIGH); // page -> high
  CHECK(stored.definition().ratio().bad().key().tenant() == "acme");

  pb::GetSloRequest get;
  get.set_id("checkout-availability");
  pb::StoredSlo got;
  REQUIRE(f.slo->Get(f.ctx("acme-token").get(), get, &got).ok());
  CHECK(got.SerializeAsString() == stored.SerializeAsString());

  // Structured definitions too; the call's tenant fills empty tenants.
  pb::ApplySloRequest structured;
  auto second = fast_slo("latency-budget", "");
  second.ratio.bad->key.tenant.clear();
  second.ratio.total.key.tenant.clear();
  persistence::slo_to_pb(second, *structured.add_definitions());
  pb::ApplySloResponse applied2;
  s = f.slo->Apply(f.ctx("acme-token").get(), structured, &applied2);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(applied2.slos(0).definition().tenant() == "acme");
  CHECK(applied2.slos(0).definition().ratio().total().key().tenant() == "acme");

  pb::ListSlosResponse list;
  REQUIRE(f.slo->List(f.ctx("acme-token").get(), pb::ListSlosRequest{}, &list).ok());
  REQUIRE(list.slos_size() == 2);
  CHECK(list.slos(0).definition().id() == "checkout-availability");
  CHECK(list.slos(1).definition().id() == "latency-budget");

  // No data yet: stale, never healthy.
  auto st = f.status("checkout-availability");
  CHECK(st.stale());
  CHECK(st.health() == "unknown");
  CHECK_FALSE(st.has_sli());
  CHECK(st.target() == 0.9);
  REQUIRE(st.conditions_size() == 1);
  CHECK(st.conditions(0).name() == "fast-burn");
  CHECK(st.conditions(0).long_window_nanos() == 10 * sec);
  CHECK(st.conditions(0).short_window_nanos() == 2 * sec);

  // Traffic with 5 % errors: healthy (burn 0.5x), SLI 95 %, half the budget... of this window.
  for (int i = 0; i < 12; ++i) {
    f.clock.advance(sec);
    f.feed(19, 1);
  }
  REQUIRE(eventually([&] { return f.status("checkout-availability").health() == "healthy"; }));
  st = f.status("checkout-availability");
  CHECK_FALSE(st.stale());
  CHECK(st.sli() == Approx(0.95));
  CHECK(st.budget_consumed() == Approx(0.5));
  CHECK(st.budget_remaining() == Approx(0.5));
  CHECK(st.conditions(0).long_burn_rate() == Approx(0.5));
  CHECK(st.conditions(0).state() == "ok");
  CHECK(st.open_incident_id().empty());

  // A burst: breaching, with the open incident and the exemplars.
  f.clock.advance(sec);
  f.feed(10, 100);
  REQUIRE(eventually(
    [&] { return !f.status("checkout-availability").open_incident_id().empty(); }));
  st = f.status("checkout-availability");
  CHECK(st.breaching());
  CHECK(st.health() == "breaching");
  CHECK(st.severity() == pb::SEVERITY_HIGH);
  CHECK(st.exemplars_size() > 0);
  CHECK(st.tracked_breaching());
  CHECK(st.open_incident_id() == f.open_incident("checkout-availability"));

  pb::DeleteSloRequest del;
  del.set_id("checkout-availability");
  pb::DeleteSloResponse deleted;
  REQUIRE(f.slo->Delete(f.ctx("acme-token").get(), del, &deleted).ok());
  CHECK(f.slo->Get(f.ctx("acme-token").get(), get, &got).error_code() == grpc::NOT_FOUND);
  CHECK(f.slo->Delete(f.ctx("acme-token").get(), del, &deleted).error_code() == grpc::NOT_FOUND);
  pb::SloStatusRequest gone;
  gone.set_id("checkout-availability");
  pb::SloStatus none;
  CHECK(f.slo->Status(f.ctx("acme-token").get(), gone, &none).error_code() == grpc::NOT_FOUND);
  list.Clear();
  REQUIRE(f.slo->List(f.ctx("acme-token").get(), pb::ListSlosRequest{}, &list).ok());
  CHECK(list.slos_size() == 1);
}

TEST_CASE("SloService refuses invalid definitions naming the field and stores nothing",
          "[slo][api]") {
  slo_api_fixture f;
  std::string bad = checkout_yaml;
  bad.replace(bad.find("target: 0.9"), 11, "target: 1.9");
  auto s = f.apply_yaml(bad);
  CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(), Catch::Contains("checkout.yaml:") && Catch::Contains("target"));

  s = f.apply_yaml("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: [1, 2\n");
  CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
  s = f.apply_yaml("");
  CHECK(s.error_code() == grpc::INVALID_ARGUMENT);

  // Structured: the domain's validation names the field; the whole request is refused.
  pb::ApplySloRequest req;
  persistence::slo_to_pb(fast_slo("good-one"), *req.add_definitions());
  auto broken = fast_slo("broken");
  broken.conditions[0].threshold = -1;
  persistence::slo_to_pb(broken, *req.add_definitions());
  pb::ApplySloResponse resp;
  s = f.slo->Apply(f.ctx("acme-token").get(), req, &resp);
  CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(),
             Catch::Contains("broken") && Catch::Contains("conditions[0].threshold"));

  pb::ApplySloRequest other_tenant;
  persistence::slo_to_pb(fast_slo("theirs", "globex"), *other_tenant.add_definitions());
  s = f.slo->Apply(f.ctx("acme-token").get(), other_tenant, &resp);
  CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(), Catch::Contains("definitions[0].tenant"));

  pb::ListSlosResponse list;
  REQUIRE(f.slo->List(f.ctx("acme-token").get(), pb::ListSlosRequest{}, &list).ok());
  CHECK(list.slos_size() == 0);
  CHECK(f.store->scan(persistence::kv_db::definitions, "slo/", "", 10)->empty());
}

TEST_CASE("SloService is tenant-scoped and needs the slo scopes", "[slo][api]") {
  slo_api_fixture f;
  REQUIRE(f.apply_yaml(checkout_yaml).ok());

  // globex sees nothing of acme's SLOs and cannot ask for acme.
  pb::GetSloRequest get;
  get.set_id("checkout-availability");
  pb::StoredSlo got;
  CHECK(f.slo->Get(f.ctx("globex-token").get(), get, &got).error_code() == grpc::NOT_FOUND);
  pb::ListSlosResponse list;
  REQUIRE(f.slo->List(f.ctx("globex-token").get(), pb::ListSlosRequest{}, &list).ok());
  CHECK(list.slos_size() == 0);
  get.set_tenant("acme");
  CHECK(f.slo->Get(f.ctx("globex-token").get(), get, &got).error_code()
        == grpc::PERMISSION_DENIED);
  pb::DeleteSloRequest del;
  del.set_tenant("acme");
  del.set_id("checkout-availability");
  pb::DeleteSloResponse deleted;
  CHECK(f.slo->Delete(f.ctx("globex-token").get(), del, &deleted).error_code()
        == grpc::PERMISSION_DENIED);
  // globex may have an SLO of the same id: another key.
  REQUIRE(f.apply_yaml(checkout_yaml, "globex-token").ok());
  REQUIRE(f.slo->List(f.ctx("globex-token").get(), pb::ListSlosRequest{}, &list).ok());
  CHECK(list.slos(0).definition().tenant() == "globex");

  // Scopes: incidents:read alone is not enough; slo:read reads but does not write.
  get.set_tenant("");
  auto s = f.slo->Get(f.ctx("reader-token").get(), get, &got);
  CHECK(s.error_code() == grpc::PERMISSION_DENIED);
  CHECK_THAT(s.error_message(), Catch::Contains("slo:read"));
  get.set_tenant("acme");
  CHECK(f.slo->Get(f.ctx("slo-reader-token").get(), get, &got).ok());
  s = f.apply_yaml(checkout_yaml, "slo-reader-token");
  CHECK(s.error_code() == grpc::PERMISSION_DENIED);
  CHECK(f.slo->Get(f.ctx("nope").get(), get, &got).error_code() == grpc::UNAUTHENTICATED);
}

TEST_CASE("SloService answers UNAVAILABLE without an SLO manager", "[slo][api]") {
  slo_api_fixture f{false};
  auto s = f.apply_yaml(checkout_yaml);
  CHECK(s.error_code() == grpc::UNAVAILABLE);
  pb::ListSlosResponse list;
  CHECK(f.slo->List(f.ctx("acme-token").get(), pb::ListSlosRequest{}, &list).error_code()
        == grpc::UNAVAILABLE);
}
