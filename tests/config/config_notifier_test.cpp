// The `notifier:` section and engine.scheduler of tocsin.yaml: defaults, values, errors naming
// file, line and key.
#include "config/config.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;

TEST_CASE("notifier settings and the scheduler have defaults and take values") {
  auto d = config::parse_config("{}", "t.yaml");
  REQUIRE(d.ok());
  CHECK(d->scheduler == "sharing");
  CHECK(d->notifier.enabled);
  CHECK(d->notifier.max_attempts == 8);

  auto c = config::parse_config("engine: {scheduler: stealing}\n"
                                "notifier:\n  enabled: false\n  max_attempts: 3\n"
                                "  backoff_base: 50ms\n  attempt_timeout: 2s\n"
                                "  external_url: https://tocsin.example.com\n",
                                "t.yaml");
  REQUIRE(c.ok());
  CHECK(c->scheduler == "stealing");
  CHECK_FALSE(c->notifier.enabled);
  CHECK(c->notifier.max_attempts == 3);
  CHECK(c->notifier.backoff_base == std::chrono::milliseconds{50});
  CHECK(c->notifier.attempt_timeout == std::chrono::seconds{2});
  CHECK(c->notifier.external_url == "https://tocsin.example.com");
}

TEST_CASE("bad notifier settings name file, line and key") {
  auto bad = config::parse_config("notifier:\n  max_attempts: 0\n", "t.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().message.find("t.yaml:2: notifier.max_attempts") != std::string::npos);
  auto typo = config::parse_config("notifier:\n  retries: 3\n", "t.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.err().message.find("t.yaml:2: notifier.retries: unknown key") != std::string::npos);
  auto sched = config::parse_config("engine: {scheduler: fifo}\n", "t.yaml");
  REQUIRE_FALSE(sched.ok());
  CHECK(sched.err().message.find("engine.scheduler") != std::string::npos);
}
