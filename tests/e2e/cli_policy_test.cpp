// End-to-end through tocsinctl against a real tocsind: policy apply/get with a policy file
// (secrets redacted, get -o yaml re-appliable), client- and server-side refusals, and the dead
// letters and delivery commands.
#include "api_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace tocsin::e2e;

namespace {

std::string write(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
  return path;
}

const char* const acme_policy = R"(tenant: acme
sla: {critical: 5m, high: 30m}
routes:
  - {category: cost, role: cost.analyst}
roles:
  runtime.operator: [pager]
  cost.analyst: [finance-hook]
channels:
  pager: {url: "http://127.0.0.1:9/pd", format: pagerduty, routing_key: abc,
          secret: "pager-secret-1"}
  finance-hook: {url: "http://127.0.0.1:9/fin"}
steps:
  - {delay: 0s}
  - {delay: 10m, role: runtime.operator}
after_last_step: {repeat_every: 30m, max_repeats: 3}
)";

} // namespace

TEST_CASE("tocsinctl policy apply -f, then policy get shows it with secrets redacted") {
  api_daemon d;
  d.start();
  const auto file = write(d.dir.sub("acme.yaml"), acme_policy);
  auto applied = d.ctl({"policy", "apply", "-f", file});
  INFO("stdout: " << applied.out << "\nstderr: " << applied.err);
  REQUIRE(applied.code == 0);
  CHECK_THAT(applied.out, Catch::Contains("applied policy for tenant acme")
                            && Catch::Contains("2 channel(s)") && Catch::Contains("2 step(s)"));

  auto j = d.ctl_json({"policy", "get"});
  CHECK(j["source"] == "api");
  CHECK(j["policy"]["tenant"] == "acme");
  CHECK(j["policy"]["sla"]["critical"] == "5m");
  CHECK(j["policy"]["channels"]["pager"]["url"] == "http://127.0.0.1:9/pd");
  CHECK(j["policy"]["channels"]["pager"]["secret"] == "***");
  CHECK(j["policy"]["roles"]["cost.analyst"][0] == "finance-hook");
  CHECK(j["policy"]["after_last_step"]["max_repeats"] == 3);
  CHECK(applied.out.find("pager-secret-1") == std::string::npos);

  auto table = d.ctl({"policy", "get"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("http://127.0.0.1:9/pd") && Catch::Contains("***")
                          && Catch::Contains("pagerduty"));
  CHECK(table.out.find("pager-secret-1") == std::string::npos);

  // get -o yaml is a policy file: applying it again keeps the stored secret ("***").
  auto yaml = d.ctl({"policy", "get", "-o", "yaml"});
  REQUIRE(yaml.code == 0);
  const auto again = write(d.dir.sub("again.yaml"), yaml.out);
  auto reapplied = d.ctl({"policy", "apply", "-f", again});
  INFO("yaml:\n" << yaml.out << "\nstderr: " << reapplied.err);
  CHECK(reapplied.code == 0);
  CHECK(d.ctl_json({"policy", "get"})["policy"] == j["policy"]);

  // Another tenant's file is refused by the server with its message.
  const auto other = write(d.dir.sub("globex.yaml"), "tenant: globex\n");
  auto refused = d.ctl({"policy", "apply", "-f", other});
  CHECK(refused.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("PERMISSION_DENIED"));
  // ... and reading it as well.
  auto denied = d.ctl({"policy", "get", "--tenant", "globex"});
  CHECK(denied.code == 1);
  CHECK_THAT(denied.err, Catch::Contains("PERMISSION_DENIED"));
  d.stop();
}

TEST_CASE("an invalid policy file is refused before any call, naming file, line and key") {
  api_daemon d;
  d.start();
  const auto file = write(d.dir.sub("bad.yaml"), R"(tenant: acme
channels:
  pager: {format: slack}
)");
  auto r = d.ctl({"policy", "apply", "-f", file});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:3") && Catch::Contains("channels.pager.url"));

  auto usage = d.ctl({"policy", "apply"});
  CHECK(usage.code == 2);
  d.stop();
}

TEST_CASE("deadletters list on an empty store prints an empty table") {
  api_daemon d;
  d.start();
  auto r = d.ctl({"deadletters", "list"});
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("ID") && Catch::Contains("TENANT"));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  auto j = d.ctl_json({"deadletters", "list"});
  CHECK(j["dead_letters"].empty());

  auto missing = d.ctl({"deadletters", "show", "notification/0123"});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("PERMISSION_DENIED"));
  d.stop();
}
