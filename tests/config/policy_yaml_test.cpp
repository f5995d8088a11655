// Tenant policy YAML: the shipped example loads, every error names file, line and key, and
// secrets come inline, from the environment or from a file.
#include "config/policy_yaml.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

using namespace tocsin::domain;
using tocsin::config::load_policy_file;
using tocsin::config::parse_policy_text;

namespace {

constexpr duration minute = 60 * nanos_per_second;

// The message of a policy text that must be refused.
std::string error_of(const std::string& text, const std::string& name = "p.yaml") {
  auto r = parse_policy_text(text, name);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::invalid_argument);
  return r.err().message;
}

// A valid policy to break one line at a time; line numbers below refer to it.
const std::string base = "tenant: acme\n"                                              // 1
                         "roles:\n"                                                    // 2
                         "  runtime.operator: [pager]\n"                               // 3
                         "channels:\n"                                                 // 4
                         "  pager: {url: \"http://h/pd\", format: pagerduty, routing_key: k}\n";  // 5

void write(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

} // namespace

TEST_CASE("the example policy loads with every field", "[policy_yaml]") {
  ::setenv("PAGER_SECRET", "from-env", 1);
  auto r = load_policy_file(TOCSIN_SOURCE_DIR "/config/tenants/example-policy.yaml");
  INFO((r.ok() ? std::string() : r.err().message));
  REQUIRE(r.ok());
  const auto& p = *r;
  CHECK(p.tenant == "acme");
  CHECK(p.sla == std::map<severity, duration>{{severity::critical, 5 * minute},
                                              {severity::high, 30 * minute},
                                              {severity::warning, 240 * minute}});
  CHECK(p.default_role == "runtime.operator");
  CHECK(p.routes == std::vector<route>{{category::cost, std::nullopt, "cost.analyst"},
                                       {std::nullopt, incident_source::slo, "runtime.operator"}});
  CHECK(p.role_channels == std::map<std::string, std::vector<std::string>>{
                               {"runtime.operator", {"pager", "ops-slack"}},
                               {"cost.analyst", {"finance-hook"}}});
  REQUIRE(p.channels.size() == 3);
  CHECK(p.channels.at("pager") == channel{"pager", "http://127.0.0.1:9000/pd",
                                          payload_format::pagerduty, "from-env", "abc"});
  CHECK(p.channels.at("ops-slack") == channel{"ops-slack", "http://127.0.0.1:9000/slack",
                                              payload_format::slack, "", ""});
  CHECK(p.channels.at("finance-hook") == channel{"finance-hook", "http://127.0.0.1:9000/fin",
                                                 payload_format::tocsin, "inline-secret", ""});
  CHECK(p.steps == std::vector<step_def>{{0, ""}, {10 * minute, "runtime.operator"}});
  CHECK(p.repeat_interval == 30 * minute);
  CHECK(p.max_repeats == 3);
  CHECK(p.governance == governance_thresholds{1000, 3, 60 * minute, "finance-hook"});
  CHECK(validate(p).code == errc::ok);
}

TEST_CASE("a policy with only a tenant is the default policy", "[policy_yaml]") {
  auto r = parse_policy_text("tenant: t1\n", "t1.yaml");
  REQUIRE(r.ok());
  CHECK(*r == default_policy("t1"));
  auto stop = parse_policy_text("tenant: t1\nafter_last_step: {stop: true}\nsla:\n", "t1.yaml");
  REQUIRE(stop.ok());
  CHECK(stop->sla.empty()); // an empty sla section: nothing escalates by timer
  CHECK(stop->max_repeats == 0);
}

TEST_CASE("structural errors name file, line and key", "[policy_yaml][errors]") {
  CHECK(error_of("roles: {}\n") == "p.yaml:1: tenant: required");
  CHECK_THAT(error_of(""), Catch::Contains("expected a map with the policy at the top level"));
  CHECK_THAT(error_of("tenant: a\n\nescalation: {}\n"),
             Catch::StartsWith("p.yaml:3: escalation: unknown key (expected one of: tenant,"));
  CHECK_THAT(error_of(base + "  ops: {url: \"http://h\", fromat: slack}\n"),
             Catch::StartsWith("p.yaml:6: channels.ops.fromat: unknown key"));
  CHECK(error_of("tenant: a\ntenant: b\n") == "p.yaml:2: tenant: appears twice");
  CHECK_THAT(error_of("tenant: a\nsla: {high: [1]}\n", "x.yaml"),
             Catch::StartsWith("x.yaml:2: sla.high: expected a duration"));
  CHECK_THAT(error_of("tenant: a\nsla:\n  high: 30\n"),
             Catch::StartsWith("p.yaml:3: sla.high: expected a duration between 1ms and 8760h"));
  CHECK_THAT(error_of("tenant: a\nsla:\n  high: 0s\n"), Catch::Contains("got \"0s\""));
  CHECK_THAT(error_of("tenant: a\nsla:\n  urgent: 5m\n"),
             Catch::StartsWith("p.yaml:3: sla.urgent: unknown key"));
  CHECK_THAT(error_of("tenant: a\nsteps: [{delay: 1d}]\n"),
             Catch::StartsWith("p.yaml:2: steps[0].delay: expected a duration between 0ms"));
  CHECK_THAT(error_of("tenant: [a]\n"),
             Catch::StartsWith("p.yaml:1: tenant: expected a tenant name, got a list"));
  CHECK_THAT(error_of("tenant: a\nsla: {high: 5m\n"),
             Catch::StartsWith("p.yaml:3:1: invalid YAML: end of map flow not found"));
}

TEST_CASE("routing errors name the route, role or channel at fault", "[policy_yaml][errors]") {
  const std::string known = " (known: runtime.operator, cost.analyst, quality.reviewer)";
  CHECK(error_of("tenant: a\nroutes:\n  - {category: cost, role: cost.analyst}\n"
                 "  - {source: slo, role: sre}\n")
        == "p.yaml:4: routes[1].role: unknown role 'sre'" + known);
  CHECK(error_of("tenant: a\nroutes:\n  - {category: cost}\n")
        == "p.yaml:3: routes[0].role: required");
  CHECK_THAT(error_of("tenant: a\nroutes:\n  - {category: money, role: cost.analyst}\n"),
             Catch::StartsWith("p.yaml:3: routes[0].category: expected one of reliability |"));
  CHECK_THAT(error_of("tenant: a\nroutes:\n  - {source: pager, role: cost.analyst}\n"),
             Catch::StartsWith("p.yaml:3: routes[0].source: expected one of slo |"));
  CHECK(error_of("tenant: a\ndefault_role: boss\n")
        == "p.yaml:2: default_role: unknown role 'boss'" + known);
  CHECK(error_of(base + "steps:\n  - {delay: 0s, role: x}\n")
        == "p.yaml:7: steps[0].role: unknown role 'x'" + known);
  CHECK(error_of("tenant: a\nroles:\n  ops.team: []\n")
        == "p.yaml:3: roles.ops.team: unknown role 'ops.team'" + known);
  // Cross-references are checked by domain::validate, reported at the YAML key and line.
  CHECK(error_of("tenant: a\nroles:\n  cost.analyst:\n    - fin\n")
        == "p.yaml:4: roles.cost.analyst[0]: unknown channel 'fin'");
}

TEST_CASE("channel errors name the channel key", "[policy_yaml][errors]") {
  CHECK(error_of("tenant: a\nchannels:\n  pager: {format: slack}\n")
        == "p.yaml:3: channels.pager.url: required");
  CHECK(error_of("tenant: a\nchannels:\n  pager: {url: \"ftp://h\"}\n")
        == "p.yaml:3: channels.pager.url: must start with http:// or https://, got 'ftp://h'");
  CHECK(error_of("tenant: a\nchannels:\n  pager:\n    url: http://h\n    format: pagerduty\n")
        == "p.yaml:3: channels.pager.routing_key: required for format pagerduty");
  CHECK(error_of("tenant: a\nchannels:\n  pager: {url: http://h, format: slack, routing_key: k}\n")
        == "p.yaml:3: channels.pager.routing_key: only for format pagerduty");
  CHECK_THAT(error_of("tenant: a\nchannels:\n  pager: {url: http://h, format: teams}\n"),
             Catch::StartsWith("p.yaml:3: channels.pager.format: expected one of tocsin | slack"));
  CHECK_THAT(error_of("tenant: a\nchannels:\n  pager: http://h\n"),
             Catch::StartsWith("p.yaml:3: channels.pager: expected a map with url"));
}

TEST_CASE("step, repeat and governance errors name their key", "[policy_yaml][errors]") {
  CHECK(error_of("tenant: a\nsteps:\n  - {delay: 0s}\n  - {role: cost.analyst}\n")
        == "p.yaml:4: steps[1].delay: required (0s for at once)");
  CHECK(error_of("tenant: a\nsteps: []\n") == "p.yaml:2: steps: at least one step is required");
  CHECK(error_of("tenant: a\nafter_last_step: {repeat_every: 5m}\n")
        == "p.yaml:2: after_last_step.max_repeats: required with repeat_every");
  CHECK(error_of("tenant: a\nafter_last_step: {max_repeats: 2}\n")
        == "p.yaml:2: after_last_step.repeat_every: required with max_repeats");
  CHECK(error_of("tenant: a\nafter_last_step: {stop: true, max_repeats: 2}\n")
        == "p.yaml:2: after_last_step: stop: true cannot be combined with repeat_every or "
           "max_repeats");
  CHECK_THAT(error_of("tenant: a\nafter_last_step:\n  repeat_every: 5m\n  max_repeats: 0\n"),
             Catch::StartsWith("p.yaml:4: after_last_step.max_repeats: expected a whole number "
                               "between 1 and 1000"));
  CHECK_THAT(error_of("tenant: a\ngovernance:\n  cost_anomaly_above: -3\n"),
             Catch::StartsWith("p.yaml:3: governance.cost_anomaly_above: expected a number"));
  CHECK(error_of("tenant: a\ngovernance:\n  cost_anomaly_above: 10.5\n")
        == "p.yaml:2: governance.channel: required when a governance rule is on");
  CHECK(error_of(base + "governance:\n  channel: pager\n  slo_breaches: 3\n")
        == "p.yaml:6: governance.slo_breach_period: required when slo_breaches is set");
  CHECK(error_of(base + "governance:\n  channel: pager\n  slo_breach_period: 1h\n")
        == "p.yaml:6: governance.slo_breaches: required when slo_breach_period is set");
  CHECK(error_of(base + "governance:\n  cost_anomaly_above: 1\n  channel: fin\n")
        == "p.yaml:8: governance.channel: unknown channel 'fin'");
}

TEST_CASE("secrets come inline, from the environment or from a file", "[policy_yaml][secrets]") {
  tocsin::test::temp_dir dir{"tocsin-policy"};
  write(dir.sub("pager.secret"), "from-file\n");
  ::setenv("TOCSIN_POLICY_TEST_SECRET", "from-env", 1);
  ::setenv("TOCSIN_POLICY_TEST_EMPTY", "", 1);
  ::unsetenv("TOCSIN_POLICY_TEST_UNSET");
  auto with_secret = [](const std::string& secret) {
    return "tenant: a\nchannels:\n  pager:\n    url: http://h\n    secret: " + secret + "\n";
  };

  auto inline_ = parse_policy_text(with_secret("s3cr3t"), "p.yaml");
  REQUIRE(inline_.ok());
  CHECK(inline_->channels.at("pager").secret == "s3cr3t");

  auto env = parse_policy_text(with_secret("{env: TOCSIN_POLICY_TEST_SECRET}"), "p.yaml");
  REQUIRE(env.ok());
  CHECK(env->channels.at("pager").secret == "from-env");

  // A relative file is read next to the policy file; an absolute one anywhere.
  write(dir.sub("acme.yaml"), with_secret("{file: pager.secret}"));
  auto file = load_policy_file(dir.sub("acme.yaml"));
  INFO((file.ok() ? std::string() : file.err().message));
  REQUIRE(file.ok());
  CHECK(file->channels.at("pager").secret == "from-file");
  auto absolute = parse_policy_text(with_secret("{file: " + dir.sub("pager.secret") + "}"), "p");
  REQUIRE(absolute.ok());
  CHECK(absolute->channels.at("pager").secret == "from-file");

  CHECK(error_of(with_secret("{env: TOCSIN_POLICY_TEST_UNSET}"))
        == "p.yaml:5: channels.pager.secret.env: environment variable TOCSIN_POLICY_TEST_UNSET "
           "is not set");
  CHECK(error_of(with_secret("{env: TOCSIN_POLICY_TEST_EMPTY}"))
        == "p.yaml:5: channels.pager.secret.env: environment variable TOCSIN_POLICY_TEST_EMPTY "
           "is empty");
  write(dir.sub("missing.yaml"), with_secret("{file: nope.secret}"));
  auto missing = load_policy_file(dir.sub("missing.yaml"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.err().message == dir.sub("missing.yaml") + ":5: channels.pager.secret.file: "
                                     "cannot read '" + dir.sub("nope.secret") +
                                     "': No such file or directory");
  CHECK_THAT(error_of(with_secret("{vault: x}")),
             Catch::StartsWith("p.yaml:5: channels.pager.secret.vault: unknown key"));
  CHECK_THAT(error_of(with_secret("{env: A, file: b}")),
             Catch::StartsWith("p.yaml:5: channels.pager.secret: expected a string, {env: "));
}

TEST_CASE("a missing policy file is not_found, naming the path", "[policy_yaml]") {
  auto r = load_policy_file("/nonexistent/dir/acme.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_found);
  CHECK_THAT(r.err().message, Catch::StartsWith("/nonexistent/dir/acme.yaml: cannot read"));
}
