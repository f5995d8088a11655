// End-to-end through tocsinctl against a real tocsind: the full lifecycle surviving a restart,
// refusals with the server's message, exit codes and output formats.
#include "api_support.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::e2e;

TEST_CASE("tocsinctl drives open -> ack -> investigate -> mitigate -> resolve; a restart keeps it") {
  api_daemon d;
  d.start();
  const auto id = d.open("checkout latency");
  for (auto step : std::vector<std::vector<std::string>>{
         {"incident", "ack", id},
         {"incident", "investigate", id},
         {"incident", "mitigate", id, "-m", "rolled back to v41"},
         {"incident", "resolve", id, "--root-cause", "connection pool exhausted"}}) {
    auto r = d.ctl(step);
    INFO(step[1] << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains(id));
  }
  const auto before = d.ctl({"incident", "get", id, "-o", "json"});
  REQUIRE(before.code == 0);
  auto j = json::parse(before.out);
  CHECK(j["incident"]["state"] == "resolved");
  CHECK(j["incident"]["root_cause"] == "connection pool exhausted");
  CHECK(j["incident"]["mitigation"] == "rolled back to v41");
  REQUIRE(j["timeline"].size() == 5);
  const std::vector<std::string> types{"IncidentOpened", "IncidentAcknowledged",
                                       "InvestigationStarted", "MitigationApplied",
                                       "IncidentResolved"};
  for (std::size_t i = 0; i < types.size(); ++i) {
    CHECK(j["timeline"][i]["type"] == types[i]);
    CHECK(j["timeline"][i]["sequence"] == i + 1);
  }
  const auto table_before = d.ctl({"incident", "get", id});
  REQUIRE(table_before.code == 0);
  CHECK_THAT(table_before.out, Catch::Contains("Timeline:") && Catch::Contains("IncidentResolved")
                                 && Catch::Contains("root cause: connection pool exhausted"));

  d.restart();
  const auto after = d.ctl({"incident", "get", id, "-o", "json"});
  REQUIRE(after.code == 0);
  CHECK(after.out == before.out); // state and timeline, byte for byte
  const auto yaml = d.ctl({"incident", "get", id, "-o", "yaml"});
  REQUIRE(yaml.code == 0);
  CHECK_THAT(yaml.out, Catch::Contains("state: resolved") && Catch::Contains("timeline:"));
  d.stop();
}

TEST_CASE("refusals exit 1 with the server's message naming the state and the allowed moves") {
  api_daemon d;
  d.start();
  const auto id = d.open("disk filling up", acme_token, "warning");

  auto invalid = d.ctl({"incident", "mitigate", id, "-m", "too early"});
  CHECK(invalid.code == 1);
  CHECK(invalid.out.empty());
  CHECK_THAT(invalid.err, Catch::Contains("FAILED_PRECONDITION") && Catch::Contains("it is open")
                            && Catch::Contains("allowed: acknowledge"));
  CHECK(std::count(invalid.err.begin(), invalid.err.end(), '\n') == 1);

  REQUIRE(d.ctl({"incident", "ack", id}).code == 0);
  REQUIRE(d.ctl({"incident", "investigate", id}).code == 0);
  auto no_cause = d.ctl({"incident", "resolve", id});
  CHECK(no_cause.code == 1);
  CHECK_THAT(no_cause.err, Catch::Contains("root cause"));
  REQUIRE(d.ctl({"incident", "resolve", id, "-r", "log rotation disabled"}).code == 0);

  // Resolved: notes (post-mortem) are accepted, every other change is refused.
  auto note = d.ctl({"incident", "note", id, "post-mortem on Tuesday"});
  INFO(note.err);
  CHECK(note.code == 0);
  for (auto verb : {"ack", "investigate", "escalate", "engage"}) {
    auto r = d.ctl({"incident", verb, id});
    INFO(verb << ": " << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("resolved") && Catch::Contains("allowed: note"));
  }
  auto again = d.ctl({"incident", "resolve", id, "-r", "another cause"});
  CHECK(again.code == 1);
  auto j = d.ctl_json({"incident", "get", id});
  CHECK(j["incident"]["root_cause"] == "log rotation disabled");
  CHECK(j["incident"]["notes"].size() == 1);
  CHECK(j["timeline"].size() == 5);
  d.stop();
}

TEST_CASE("tocsinctl exit codes: usage errors 2, help 0, unreachable server 1 in one line") {
  api_daemon d; // not started: its port is free
  auto help = d.ctl({"--help"});
  CHECK(help.code == 0);
  CHECK_THAT(help.out, Catch::Contains("Examples:") && Catch::Contains("incident"));
  auto incident_help = d.ctl({"incident", "--help"});
  CHECK(incident_help.code == 0);
  CHECK_THAT(incident_help.out, Catch::Contains("resolve"));

  CHECK(d.ctl({}).code == 2);
  CHECK(d.ctl({"incident"}).code == 2);
  CHECK(d.ctl({"incident", "frobnicate"}).code == 2);
  CHECK(d.ctl({"incident", "get"}).code == 2);
  CHECK(d.ctl({"incident", "open", "--title", "x", "--severity", "apocalyptic"}).code == 2);
  CHECK(d.ctl({"incident", "list", "-o", "xml"}).code == 2);

  auto down = d.ctl({"incident", "get", "01JDQ3Z6V8X9K0M2N4P6R8T0W2"});
  CHECK(down.code == 1);
  CHECK(down.out.empty());
  CHECK(down.err == "tocsinctl: cannot reach " + d.address() + ": connection refused\n");
}

TEST_CASE("tocsinctl talks to a TLS-only tocsind with --ca-cert; plaintext is refused") {
  api_daemon d{true};
  d.start();
  const auto id = d.open("over tls");
  auto r = d.ctl({"incident", "ack", id});
  INFO(r.err);
  CHECK(r.code == 0);
  auto plain = run_cli({TOCSIN_BIN_DIR "/tocsinctl", "--server", d.address(), "--token",
                        acme_token, "incident", "get", id},
                       d.dir.path());
  CHECK(plain.code == 1);
  CHECK(std::count(plain.err.begin(), plain.err.end(), '\n') == 1);
  d.stop();
}
