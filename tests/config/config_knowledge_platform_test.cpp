// The `knowledge_platform:` section of tocsin.yaml: off by default, values, the secret read from
// the environment or a file (never echoed), errors naming file, line and key.
#include "config/config.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace tocsin;

TEST_CASE("knowledge_platform is off by default and takes url, secret, timeout and backoff") {
  auto d = config::parse_config("{}", "t.yaml");
  REQUIRE(d.ok());
  CHECK(d->knowledge_platform.url.empty());
  CHECK(d->knowledge_platform.secret.empty());
  auto shipped = config::load_config(TOCSIN_SOURCE_DIR "/config/tocsin.yaml");
  REQUIRE(shipped.ok());
  CHECK(shipped->knowledge_platform.url.empty());
  CHECK(shipped->knowledge_platform.backoff_max == std::chrono::seconds{60});

  ::setenv("TOCSIN_TEST_KP_SECRET", "s3cret-value", 1);
  auto c = config::parse_config("knowledge_platform:\n"
                                "  url: https://kp.example.com/feedback\n"
                                "  secret: {env: TOCSIN_TEST_KP_SECRET}\n"
                                "  timeout: 3s\n"
                                "  backoff_base: 100ms\n"
                                "  backoff_max: 20s\n",
                                "t.yaml");
  REQUIRE(c.ok());
  CHECK(c->knowledge_platform.url == "https://kp.example.com/feedback");
  CHECK(c->knowledge_platform.secret == "s3cret-value");
  CHECK(c->knowledge_platform.timeout == std::chrono::seconds{3});
  CHECK(c->knowledge_platform.backoff_base == std::chrono::milliseconds{100});
  CHECK(c->knowledge_platform.backoff_max == std::chrono::seconds{20});

  tocsin::test::temp_dir dir;
  const auto path = dir.path() + "/kp.secret";
  std::ofstream(path) << "from-a-file\n";
  auto f = config::parse_config("knowledge_platform:\n  url: http://127.0.0.1:9/x\n"
                                "  secret: {file: " + path + "}\n",
                                "t.yaml");
  REQUIRE(f.ok());
  CHECK(f->knowledge_platform.secret == "from-a-file");
}

TEST_CASE("bad knowledge_platform settings name file, line and key, never a secret") {
  auto scheme = config::parse_config("knowledge_platform:\n  url: ftp://kp\n", "t.yaml");
  REQUIRE_FALSE(scheme.ok());
  CHECK(scheme.err().message.find("t.yaml:2: knowledge_platform.url: expected an http:// or "
                                  "https:// URL")
        != std::string::npos);

  auto inline_secret =
    config::parse_config("knowledge_platform:\n  url: http://kp\n  secret: hunter2\n", "t.yaml");
  REQUIRE_FALSE(inline_secret.ok());
  CHECK(inline_secret.err().message.find("t.yaml:3: knowledge_platform.secret") !=
        std::string::npos);
  CHECK(inline_secret.err().message.find("hunter2") == std::string::npos);

  ::unsetenv("TOCSIN_TEST_KP_MISSING");
  auto missing = config::parse_config(
    "knowledge_platform:\n  url: http://kp\n  secret: {env: TOCSIN_TEST_KP_MISSING}\n", "t.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.err().message.find("t.yaml:3: knowledge_platform.secret.env: environment "
                                   "variable TOCSIN_TEST_KP_MISSING is not set")
        != std::string::npos);

  auto typo = config::parse_config("knowledge_platform:\n  uri: http://kp\n", "t.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.err().message.find("t.yaml:2: knowledge_platform.uri: unknown key") !=
        std::string::npos);

  auto backoff = config::parse_config(
    "knowledge_platform:\n  url: http://kp\n  backoff_base: 10s\n  backoff_max: 1s\n", "t.yaml");
  REQUIRE_FALSE(backoff.ok());
  CHECK(backoff.err().message.find("t.yaml:1: knowledge_platform.backoff_max: must not be below "
                                   "backoff_base")
        != std::string::npos);

  auto timeout = config::parse_config("knowledge_platform:\n  timeout: 1ms\n", "t.yaml");
  REQUIRE_FALSE(timeout.ok());
  CHECK(timeout.err().message.find("t.yaml:2: knowledge_platform.timeout") != std::string::npos);
}
