// Config loader: defaults, the shipped tocsin.yaml, and that every error names file, line, key.
#include "config/config.hpp"
#include "support/openslo_text.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
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

TEST_CASE("otlp, aggregation and slo sections are read") {
  auto r = parse_config(R"(otlp:
  enabled: false
  grpc_listen: 0.0.0.0:14317
  http_listen: 127.0.0.1:14318
  max_body: 1MiB
  max_queued: 5000
  retry_after: 250ms
  require_known_tenant: true
aggregation:
  shards: 3
  tick: 20ms
  lateness: 2s
  max_exemplars: 2
  tiers:
    - {resolution: 1s, retention: 10m}
    - {resolution: 1m, retention: 2h}
slo:
  files:
    - {tenant: acme, file: slo/a.yaml}
  min_interval: 5ms
  evaluate_every: 200ms
  renotify: 1s
)",
                        "ingest.yaml");
  REQUIRE(r.ok());
  CHECK_FALSE(r->otlp.enabled);
  CHECK(r->otlp.grpc_listen == "0.0.0.0:14317");
  CHECK(r->otlp.http_listen == "127.0.0.1:14318");
  CHECK(r->otlp.max_body == 1u << 20);
  CHECK(r->otlp.max_queued == 5000);
  CHECK(r->otlp.retry_after == 250ms);
  CHECK(r->otlp.require_known_tenant);
  CHECK(r->aggregation.shards == 3);
  CHECK(r->aggregation.tick == 20ms);
  CHECK(r->aggregation.windows.lateness == 2 * tocsin::domain::nanos_per_second);
  CHECK(r->aggregation.windows.max_exemplars == 2);
  REQUIRE(r->aggregation.windows.tiers.size() == 2);
  CHECK(r->aggregation.windows.tiers[1].resolution == 60 * tocsin::domain::nanos_per_second);
  CHECK(r->aggregation.windows.tiers[1].retention == 7200 * tocsin::domain::nanos_per_second);
  REQUIRE(r->slo.files.size() == 1);
  CHECK(r->slo.files[0].tenant == "acme");
  CHECK(r->slo.files[0].path == "slo/a.yaml");
  CHECK(r->slo.min_interval == 5ms);
  CHECK(r->slo.evaluate_every == 200ms);
  CHECK(r->slo.renotify == 1s);
}

TEST_CASE("the shipped config states the ingest defaults") {
  auto shipped = load_config(TOCSIN_SOURCE_DIR "/config/tocsin.yaml");
  auto defaults = parse_config("", "empty.yaml");
  REQUIRE(shipped.ok());
  REQUIRE(defaults.ok());
  CHECK(shipped->otlp.grpc_listen == defaults->otlp.grpc_listen);
  CHECK(shipped->otlp.http_listen == defaults->otlp.http_listen);
  CHECK(shipped->otlp.max_body == defaults->otlp.max_body);
  CHECK(shipped->otlp.max_queued == defaults->otlp.max_queued);
  CHECK(shipped->otlp.retry_after == defaults->otlp.retry_after);
  CHECK(shipped->aggregation.tick == defaults->aggregation.tick);
  CHECK(shipped->aggregation.windows.lateness == defaults->aggregation.windows.lateness);
  REQUIRE(shipped->aggregation.windows.tiers.size() == defaults->aggregation.windows.tiers.size());
  for (std::size_t i = 0; i < shipped->aggregation.windows.tiers.size(); ++i) {
    CHECK(shipped->aggregation.windows.tiers[i].resolution ==
          defaults->aggregation.windows.tiers[i].resolution);
    CHECK(shipped->aggregation.windows.tiers[i].retention ==
          defaults->aggregation.windows.tiers[i].retention);
  }
  CHECK(shipped->slo.min_interval == defaults->slo.min_interval);
  CHECK(shipped->slo.evaluate_every == defaults->slo.evaluate_every);
  CHECK(shipped->slo.renotify == defaults->slo.renotify);
  CHECK(shipped->slos.empty());
}

TEST_CASE("bad ingest settings name file, line and key") {
  auto tiers = parse_config("aggregation:\n  tiers:\n    - {resolution: 1m, retention: 1h}\n"
                            "    - {resolution: 1s, retention: 2h}\n",
                            "t.yaml");
  REQUIRE_FALSE(tiers.ok());
  CHECK(tiers.err().message.find("t.yaml:2: aggregation: tiers[1].resolution") == 0);
  auto half = parse_config("aggregation:\n  tiers:\n    - {resolution: 1s}\n", "h.yaml");
  REQUIRE_FALSE(half.ok());
  CHECK(half.err().message == "h.yaml:3: aggregation.tiers[0]: needs both resolution and retention");
  auto slo = parse_config("slo:\n  files:\n    - {tenant: a, path: x.yaml}\n", "s.yaml");
  REQUIRE_FALSE(slo.ok());
  CHECK(slo.err().message.find("s.yaml:3: slo.files[0].path: unknown key") == 0);
  auto queued = parse_config("otlp:\n  max_queued: 0\n", "q.yaml");
  REQUIRE_FALSE(queued.ok());
  CHECK(queued.err().message.find("q.yaml:2: otlp.max_queued: expected a whole number") == 0);
}

TEST_CASE("slo files load relative to the config and refuse a duplicate id") {
  tocsin::test::temp_dir dir;
  tocsin::test::span_slo_text pay; // a plain SLO, without alert policies
  pay.name = "pay";
  pay.service = "pay";
  pay.indicator = "pay-errors";
  pay.span = "POST /pay";
  pay.window = "1h";
  pay.target = "0.99";
  const auto slo_text = tocsin::test::openslo_text(pay);
  std::filesystem::create_directories(dir.sub("slo"));
  std::ofstream(dir.sub("slo/pay.yaml")) << slo_text;
  std::ofstream(dir.sub("ok.yaml"))
    << "slo:\n  files:\n    - {tenant: acme, file: slo/pay.yaml}\n"
       "    - {tenant: beta, file: slo/pay.yaml}\n";
  auto ok = load_config(dir.sub("ok.yaml"));
  REQUIRE(ok.ok());
  REQUIRE(ok->slos.size() == 2);
  CHECK(ok->slos[0].tenant == "acme");
  CHECK(ok->slos[0].id == "pay");
  CHECK(ok->slos[1].tenant == "beta");
  std::ofstream(dir.sub("dup.yaml"))
    << "slo:\n  files:\n    - {tenant: acme, file: slo/pay.yaml}\n"
       "    - {tenant: acme, file: slo/pay.yaml}\n";
  auto dup = load_config(dir.sub("dup.yaml"));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.err().message.find("defined twice") != std::string::npos);
}
