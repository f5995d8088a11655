// Config loader: defaults, the shipped tocsin.yaml, and that every error names file, line, key.
#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace std::chrono_literals;
using tocsin::config::load_config;
using tocsin::config::parse_config;
using tocsin::domain::errc;

namespace {

// The error message of a text that must be refused.
std::string error_of(const std::string& text, const std::string& name = "t.yaml") {
  auto r = parse_config(text, name);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::invalid_argument);
  return r.err().message;
}

} // namespace

TEST_CASE("an empty config takes every default") {
  for (const char* text : {"", "# only a comment\n", "log:\nstore:\nengine:\n"}) {
    auto r = parse_config(text, "empty.yaml");
    REQUIRE(r.ok());
    const auto& c = *r;
    tocsin::persistence::store_options defaults;
    CHECK(c.data_dir == "var/tocsin");
    CHECK(c.store.dir == "var/tocsin");
    CHECK(c.log_level == "info");
    CHECK(c.passivate_after == 60s);
    CHECK(c.store.map_size == defaults.map_size);
    CHECK(c.store.partitions == defaults.partitions);
    CHECK(c.store.snapshot_every == defaults.snapshot_every);
    CHECK(c.store.sync == tocsin::persistence::sync_mode::durable);
    CHECK(c.store.max_batch == defaults.max_batch);
    CHECK(c.store.max_queue == defaults.max_queue);
    CHECK(c.store.index_flush_entries == defaults.index_flush_entries);
    CHECK(c.store.index_flush_interval == defaults.index_flush_interval);
  }
}

TEST_CASE("the shipped config/tocsin.yaml loads and states the defaults") {
  auto r = load_config(TOCSIN_SOURCE_DIR "/config/tocsin.yaml");
  REQUIRE(r.ok());
  auto defaults = parse_config("", "empty.yaml");
  REQUIRE(defaults.ok());
  CHECK(r->data_dir == defaults->data_dir);
  CHECK(r->log_level == defaults->log_level);
  CHECK(r->passivate_after == defaults->passivate_after);
  CHECK(r->store.map_size == defaults->store.map_size);
  CHECK(r->store.partitions == defaults->store.partitions);
  CHECK(r->store.snapshot_every == defaults->store.snapshot_every);
  CHECK(r->store.sync == defaults->store.sync);
  CHECK(r->store.max_batch == defaults->store.max_batch);
  CHECK(r->store.max_queue == defaults->store.max_queue);
  CHECK(r->store.index_flush_entries == defaults->store.index_flush_entries);
  CHECK(r->store.index_flush_interval == defaults->store.index_flush_interval);
}

TEST_CASE("every key is read") {
  auto r = parse_config(R"(data_dir: /tmp/x
log:
  level: debug
store:
  map_size: 64MiB
  partitions: 8
  snapshot_every: 10
  sync: no_sync
  max_batch: 128
  max_queue: 1024
  index_flush_entries: 512
  index_flush_interval: 2s
engine:
  passivate_after: 5m
)",
                        "all.yaml");
  REQUIRE(r.ok());
  CHECK(r->data_dir == "/tmp/x");
  CHECK(r->store.dir == "/tmp/x");
  CHECK(r->log_level == "debug");
  CHECK(r->store.map_size == 64u << 20);
  CHECK(r->store.partitions == 8);
  CHECK(r->store.snapshot_every == 10);
  CHECK(r->store.sync == tocsin::persistence::sync_mode::no_sync);
  CHECK(r->store.max_batch == 128);
  CHECK(r->store.max_queue == 1024);
  CHECK(r->store.index_flush_entries == 512);
  CHECK(r->store.index_flush_interval == 2s);
  CHECK(r->passivate_after == 5min);
}

TEST_CASE("a missing file is an error naming the path") {
  auto r = load_config("/nonexistent/dir/tocsin.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::not_found);
  CHECK_THAT(r.err().message, Catch::Contains("/nonexistent/dir/tocsin.yaml"));
}

TEST_CASE("an unknown key names file, line and the dotted key") {
  CHECK(error_of("data_dir: x\nstore:\n  partitons: 8\n", "c.yaml") ==
        "c.yaml:3: store.partitons: unknown key (expected one of: map_size, partitions, "
        "snapshot_every, sync, max_batch, max_queue, index_flush_entries, "
        "index_flush_interval)");
  CHECK_THAT(error_of("\n\nlogging: {}\n"), Catch::StartsWith("t.yaml:3: logging: unknown key"));
}

TEST_CASE("a bad whole number names file, line and key") {
  CHECK(error_of("# header\n\nlog:\n  level: info\nstore:\n  map_size: 1GiB\n  partitions: abc\n",
                 "config/tocsin.yaml") ==
        "config/tocsin.yaml:7: store.partitions: expected a whole number between 1 and 65536, "
        "got \"abc\"");
  CHECK_THAT(error_of("store:\n  partitions: 0\n"),
             Catch::StartsWith("t.yaml:2: store.partitions: expected a whole number"));
  CHECK_THAT(error_of("store:\n  partitions: -4\n"), Catch::Contains("got \"-4\""));
  CHECK_THAT(error_of("store:\n  partitions: 70000\n"), Catch::Contains("got \"70000\""));
  CHECK_THAT(error_of("store:\n  max_batch: 1.5\n"),
             Catch::StartsWith("t.yaml:2: store.max_batch: expected a whole number"));
}

TEST_CASE("wrong types name file, line and key") {
  CHECK(error_of("store: 5\n") == "t.yaml:1: store: expected a map of settings, got \"5\"");
  CHECK(error_of("log:\n  level: [info]\n") ==
        "t.yaml:2: log.level: expected one of trace | debug | info | warn | error, got a list");
  CHECK(error_of("data_dir:\n") == "t.yaml:1: data_dir: expected a directory path, got nothing");
  CHECK_THAT(error_of("- a\n- b\n"), Catch::StartsWith("t.yaml:1: expected a map of settings"));
}

TEST_CASE("bad choices, sizes and durations name file, line and key") {
  CHECK(error_of("log:\n  level: verbose\n") ==
        "t.yaml:2: log.level: expected one of trace | debug | info | warn | error, got "
        "\"verbose\"");
  CHECK(error_of("store:\n  sync: always\n") ==
        "t.yaml:2: store.sync: expected one of durable | no_sync, got \"always\"");
  CHECK_THAT(error_of("store:\n  map_size: 4GB\n"),
             Catch::StartsWith("t.yaml:2: store.map_size: expected a size") &&
               Catch::EndsWith("got \"4GB\""));
  CHECK_THAT(error_of("store:\n  map_size: 1KiB\n"), Catch::Contains("at least 1048576 bytes"));
  CHECK_THAT(error_of("engine:\n  passivate_after: 60\n"),
             Catch::StartsWith("t.yaml:2: engine.passivate_after: expected a duration") &&
               Catch::EndsWith("got \"60\""));
  CHECK_THAT(error_of("store:\n  index_flush_interval: 0ms\n"),
             Catch::StartsWith("t.yaml:2: store.index_flush_interval: expected a duration"));
}

TEST_CASE("a repeated key is an error") {
  CHECK(error_of("store:\n  partitions: 8\n  partitions: 16\n") ==
        "t.yaml:3: store.partitions: appears twice");
}

TEST_CASE("YAML syntax errors name file, line and column") {
  CHECK(error_of("log:\n  level: info\n  x: y: z\n", "bad.yaml") ==
        "bad.yaml:3:7: invalid YAML: illegal map value");
  CHECK(error_of("store:\n  partitions: 8\n sync: durable\n", "bad.yaml") ==
        "bad.yaml:3:2: invalid YAML: end of map not found");
  CHECK_THAT(error_of("store:\n  partitions: [8\n", "bad.yaml"),
             Catch::StartsWith("bad.yaml:3:") && Catch::Contains("invalid YAML"));
}

TEST_CASE("load_config reports errors under the path it was given") {
  const std::string path = std::string{"/tmp/tocsin-config-test-"} + std::to_string(::getpid()) +
                           ".yaml";
  {
    std::ofstream out{path};
    out << "store:\n  partitions: abc\n";
  }
  auto r = load_config(path);
  std::remove(path.c_str());
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().message == path + ":2: store.partitions: expected a whole number between 1 and "
                                  "65536, got \"abc\"");
}
