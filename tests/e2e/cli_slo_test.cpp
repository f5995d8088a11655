// End-to-end through tocsinctl against a real tocsind: slo apply -f / list / get / status /
// delete, server-side refusals naming file, line and field, tenant scoping, usage errors, SLOs
// surviving a restart, and SLOs from config files (slo.files) applied at start.
#include "api_support.hpp"

#include "support/openslo_text.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::e2e;
using tocsin::test::openslo_text;
using tocsin::test::span_slo_text;

namespace {

// Two documents: checkout-availability (90 % of `POST /checkout` over 60 s, a fast-burn
// condition that pages) and search-availability (99.9 % over 28 d, the default conditions).
const std::string checkout_slo = [] {
  span_slo_text checkout;
  checkout.display_name = "Checkout availability";
  checkout.severity = "page";
  span_slo_text search;
  search.name = "search-availability";
  search.service = "search";
  search.indicator = "search-errors";
  search.span = "GET /search";
  search.window = "28d";
  search.target = "0.999";
  return openslo_text(checkout) + "---\n" + openslo_text(search);
}();

} // namespace

TEST_CASE("tocsinctl slo apply -f, list, get, status, delete", "[slo]") {
  api_daemon d;
  d.start();
  const auto file = write_file(d.dir.sub("slos.yaml"), checkout_slo);
  auto applied = d.ctl({"slo", "apply", "-f", file});
  INFO("stdout: " << applied.out << "\nstderr: " << applied.err);
  REQUIRE(applied.code == 0);
  CHECK_THAT(applied.out, Catch::Contains("applied SLO checkout-availability for tenant acme")
                            && Catch::Contains("applied SLO search-availability")
                            && Catch::Contains("default conditions"));

  auto list = d.ctl({"slo", "list"});
  REQUIRE(list.code == 0);
  CHECK_THAT(list.out, Catch::StartsWith("ID") && Catch::Contains("checkout-availability")
                         && Catch::Contains("90.000 %") && Catch::Contains("28d"));
  auto lj = d.ctl_json({"slo", "list"});
  REQUIRE(lj["slos"].size() == 2);
  CHECK(lj["slos"][0]["id"] == "checkout-availability");
  CHECK(lj["slos"][1]["id"] == "search-availability");

  auto g = d.ctl_json({"slo", "get", "checkout-availability"});
  CHECK(g["tenant"] == "acme");
  CHECK(g["target"] == 0.9);
  CHECK(g["window"] == "1m");
  CHECK(g["source"] == "api");
  CHECK(g["ratio"]["bad"]["measure"] == "errors");
  CHECK(g["ratio"]["total"]["name"] == "POST /checkout");
  CHECK(g["conditions"][0]["severity"] == "high"); // page -> high
  CHECK(g["conditions"][0]["long_window"] == "10s");
  CHECK(g["conditions"][0]["short_window"] == "2s");
  auto gt = d.ctl({"slo", "get", "search-availability"});
  REQUIRE(gt.code == 0);
  CHECK_THAT(gt.out, Catch::Contains("the defaults (page 14.4x 1h/5m"));
  auto gy = d.ctl({"slo", "get", "checkout-availability", "-o", "yaml"});
  REQUIRE(gy.code == 0);
  CHECK_THAT(gy.out, Catch::Contains("id: checkout-availability"));

  // No telemetry yet: stale, never healthy.
  auto s = d.ctl_json({"slo", "status", "checkout-availability"});
  CHECK(s["stale"] == true);
  CHECK(s["health"] == "unknown");
  CHECK(s["sli"].is_null());
  CHECK(s["conditions"][0]["name"] == "fast-burn");
  CHECK(s["open_incident_id"] == "");
  auto st = d.ctl({"slo", "status", "checkout-availability"});
  REQUIRE(st.code == 0);
  CHECK_THAT(st.out, Catch::Contains("unknown, stale") && Catch::Contains("no traffic")
                       && Catch::Contains("fast-burn") && Catch::Contains("CONDITION"));
  auto defaults = d.ctl_json({"slo", "status", "search-availability"});
  CHECK(defaults["conditions"].size() == 4);

  // Another tenant sees none of it.
  auto other = d.ctl({"slo", "get", "checkout-availability"}, globex_token);
  CHECK(other.code == 1);
  CHECK_THAT(other.err, Catch::Contains("NOT_FOUND"));
  CHECK(d.ctl_json({"slo", "list"}, globex_token)["slos"].empty());

  // Survives a restart.
  d.restart();
  CHECK(d.ctl_json({"slo", "list"})["slos"].size() == 2);

  auto del = d.ctl({"slo", "delete", "checkout-availability"});
  REQUIRE(del.code == 0);
  CHECK_THAT(del.out, Catch::Contains("deleted SLO checkout-availability"));
  auto gone = d.ctl({"slo", "get", "checkout-availability"});
  CHECK(gone.code == 1);
  CHECK_THAT(gone.err, Catch::Contains("NOT_FOUND"));
  CHECK(d.ctl({"slo", "delete", "checkout-availability"}).code == 1);
  CHECK(d.ctl_json({"slo", "list"})["slos"].size() == 1);
  d.stop();
}

TEST_CASE("tocsinctl slo refusals: invalid file, usage errors", "[slo]") {
  api_daemon d;
  d.start();
  std::string text = checkout_slo;
  text.replace(text.find("target: 0.9"), 11, "target: 9");
  const auto bad = write_file(d.dir.sub("bad.yaml"), text);
  auto r = d.ctl({"slo", "apply", "-f", bad});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("INVALID_ARGUMENT") && Catch::Contains("bad.yaml:")
                      && Catch::Contains("target"));
  CHECK(d.ctl_json({"slo", "list"})["slos"].empty()); // all or nothing

  CHECK(d.ctl({"slo", "apply"}).code == 2);
  CHECK(d.ctl({"slo", "apply", "-f", d.dir.sub("missing.yaml")}).code == 2);
  CHECK(d.ctl({"slo", "get"}).code == 2);
  CHECK(d.ctl({"slo"}).code == 2);
  d.stop();
}

TEST_CASE("SLOs from slo.files are applied at start with source config", "[slo]") {
  tocsin::test::temp_dir files{"tocsin-e2e-slo-files"};
  const auto path = write_file(files.sub("checkout.yaml"), checkout_slo);
  api_daemon d{false, "slo:\n  files:\n    - {tenant: acme, file: " + path + "}\n"};
  d.start();
  auto lj = d.ctl_json({"slo", "list"});
  REQUIRE(lj["slos"].size() == 2);
  CHECK(lj["slos"][0]["source"] == "config");
  auto s = d.ctl_json({"slo", "status", "checkout-availability"});
  CHECK(s["health"] != "healthy");
  d.stop();
}
