// Dedup key encoding and its partition: stable (pinned FNV-1a values) and within range.
#include "domain/dedup.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tocsin::domain;

TEST_CASE("dedup key encodes tenant, source and source_id separated by NUL", "[dedup]") {
  dedup_key k{"acme", incident_source::slo, "slo-1"};
  CHECK(k.encode() == std::string("acme\0slo\0slo-1", 14));
}

TEST_CASE("stable_hash is FNV-1a 64 of the encoding (pinned values)", "[dedup]") {
  // Values computed with an independent FNV-1a implementation; they must never change, or
  // existing dedup entries would be looked up in the wrong partition.
  CHECK(stable_hash({"acme", incident_source::signal, "checkout-latency"})
        == 0xd86af873e4694bccULL);
  CHECK(stable_hash({"acme", incident_source::slo, "slo-1"}) == 0xa4f55858aef58b05ULL);
  CHECK(stable_hash({"", incident_source::signal, ""}) == 0x4af241782f495c55ULL);
  CHECK(stable_hash({"globex", incident_source::cost, "budget/ai"}) == 0xc6e2c02ebad55be3ULL);
}

TEST_CASE("partition_for is the hash modulo the partition count", "[dedup]") {
  CHECK(partition_for({"acme", incident_source::signal, "checkout-latency"}, 16) == 12);
  CHECK(partition_for({"acme", incident_source::slo, "slo-1"}, 16) == 5);
  CHECK(partition_for({"globex", incident_source::cost, "budget/ai"}, 7) == 3);
  CHECK(partition_for({"acme", incident_source::slo, "slo-1"}, 1) == 0);
  CHECK(partition_for({"acme", incident_source::slo, "slo-1"}, 0) == 0);
}

TEST_CASE("partition_for stays in range and is deterministic", "[dedup]") {
  for (std::uint32_t parts : {1u, 2u, 3u, 8u, 64u, 1000u}) {
    for (int i = 0; i < 300; ++i) {
      dedup_key k{"tenant-" + std::to_string(i % 7), incident_source::signal,
                  "source-" + std::to_string(i)};
      auto p = partition_for(k, parts);
      CHECK(p < parts);
      CHECK(p == partition_for(k, parts));
    }
  }
}

TEST_CASE("keys differing in any field hash differently", "[dedup]") {
  dedup_key base{"acme", incident_source::signal, "x"};
  CHECK(stable_hash(base) != stable_hash({"acme2", incident_source::signal, "x"}));
  CHECK(stable_hash(base) != stable_hash({"acme", incident_source::alert, "x"}));
  CHECK(stable_hash(base) != stable_hash({"acme", incident_source::signal, "y"}));
  // The separators keep field boundaries: ("ab","c") and ("a","bc") are different keys.
  CHECK(dedup_key{"ab", incident_source::signal, "c"}.encode()
        != dedup_key{"a", incident_source::signal, "bc"}.encode());
}
