// End-to-end: the real tocsind binary started, stopped by signal, restarted on its data
// directory, and refusing bad configs with file, line and key.
#include "process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace std::chrono_literals;
using tocsin::e2e::child_process;
using tocsin::e2e::write_file;
using tocsin::test::temp_dir;

namespace {

// Generous: a loaded CI machine with two cores may be slow to start an actor system.
constexpr auto start_timeout = 30s;
constexpr auto exit_timeout = 30s;

const std::string tocsind = TOCSIN_BIN_DIR "/tocsind";

// Small and fast for tests; partitions differ from the default so the ready line proves the file
// was read. Every listener takes a free port: tests run in parallel, and a developer's tocsind
// may hold the default ones.
const std::string test_config = R"(log:
  level: debug
store:
  map_size: 64MiB
  partitions: 16
engine:
  passivate_after: 5s
api:
  listen: 127.0.0.1:0
otlp:
  grpc_listen: 127.0.0.1:0
  http_listen: 127.0.0.1:0
)";

child_process start(const temp_dir& dir, const std::string& config, const std::string& log) {
  return child_process{{tocsind, "--config", config, "--data-dir", dir.sub("data")},
                       dir.sub(log)};
}

} // namespace

TEST_CASE("tocsind starts, stops on SIGTERM and restarts on the same data directory") {
  temp_dir dir{"tocsin-e2e"};
  const auto config = write_file(dir.sub("tocsin.yaml"), test_config);
  {
    auto daemon = start(dir, config, "first.log");
    INFO(daemon.log());
    REQUIRE(daemon.wait_for_log("tocsind ready", start_timeout));
    CHECK_THAT(daemon.log(), Catch::Contains("partitions=16") &&
                               Catch::Contains("data_dir=" + dir.sub("data")));
    daemon.send_signal(SIGTERM);
    auto code = daemon.wait_exit(exit_timeout);
    INFO(daemon.log());
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_THAT(daemon.log(), Catch::Contains("shutting down") && Catch::Contains("stopped"));
  }
  {
    auto daemon = start(dir, config, "second.log");
    INFO(daemon.log());
    REQUIRE(daemon.wait_for_log("tocsind ready", start_timeout));
    daemon.send_signal(SIGINT);
    auto code = daemon.wait_exit(exit_timeout);
    INFO(daemon.log());
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_THAT(daemon.log(), Catch::Contains("stopped"));
  }
}

TEST_CASE("tocsind refuses to reopen a data directory with another partition count") {
  temp_dir dir{"tocsin-e2e"};
  const auto config = write_file(dir.sub("tocsin.yaml"), test_config);
  {
    auto daemon = start(dir, config, "first.log");
    REQUIRE(daemon.wait_for_log("tocsind ready", start_timeout));
    daemon.send_signal(SIGTERM);
    REQUIRE(daemon.wait_exit(exit_timeout) == 0);
  }
  const auto other = write_file(dir.sub("other.yaml"), "store:\n  partitions: 32\n");
  auto daemon = start(dir, other, "second.log");
  auto code = daemon.wait_exit(exit_timeout);
  INFO(daemon.log());
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK_THAT(daemon.log(), Catch::Contains("cannot open store"));
  CHECK_THAT(daemon.log(), !Catch::Contains("tocsind ready"));
}

TEST_CASE("tocsind exits 2 on an unknown config key, naming file, line and key") {
  temp_dir dir{"tocsin-e2e"};
  const auto config =
    write_file(dir.sub("tocsin.yaml"), "log:\n  level: info\nstore:\n  partitons: 8\n");
  auto daemon = start(dir, config, "out.log");
  auto code = daemon.wait_exit(exit_timeout);
  INFO(daemon.log());
  REQUIRE(code);
  CHECK(*code == 2);
  CHECK_THAT(daemon.log(), Catch::Contains(config + ":4: store.partitons: unknown key"));
}

TEST_CASE("tocsind exits 2 on a bad config value, naming file, line and key") {
  temp_dir dir{"tocsin-e2e"};
  const auto config =
    write_file(dir.sub("tocsin.yaml"), "store:\n  map_size: 64MiB\n  partitions: abc\n");
  auto daemon = start(dir, config, "out.log");
  auto code = daemon.wait_exit(exit_timeout);
  INFO(daemon.log());
  REQUIRE(code);
  CHECK(*code == 2);
  CHECK_THAT(daemon.log(),
             Catch::Contains(config + ":3: store.partitions: expected a whole number between 1 "
                                      "and 65536, got \"abc\""));
}

TEST_CASE("tocsind exits 2 on a missing config file or a bad flag") {
  temp_dir dir{"tocsin-e2e"};
  {
    const std::string missing = dir.sub("nope.yaml");
    auto daemon = child_process{{tocsind, "--config", missing}, dir.sub("missing.log")};
    auto code = daemon.wait_exit(exit_timeout);
    INFO(daemon.log());
    REQUIRE(code);
    CHECK(*code == 2);
    CHECK_THAT(daemon.log(), Catch::Contains(missing));
  }
  {
    auto daemon = child_process{{tocsind, "--log-level", "loud"}, dir.sub("flag.log")};
    auto code = daemon.wait_exit(exit_timeout);
    INFO(daemon.log());
    REQUIRE(code);
    CHECK(*code == 2);
  }
}
