// Watch offset tokens: round trips, compactness and refusal of malformed input.
#include "api/offset_token.hpp"

#include <catch2/catch.hpp>

using tocsin::api::decode_offsets;
using tocsin::api::encode_offsets;
using tocsin::api::partition_offsets;

TEST_CASE("offset tokens round-trip per-partition offsets") {
  partition_offsets next(256, 0);
  next[0] = 1;
  next[7] = 300;
  next[255] = (std::uint64_t{1} << 40) + 5;
  auto token = encode_offsets(next);
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        == std::string::npos);
  auto back = decode_offsets(token, 256);
  REQUIRE(back.ok());
  CHECK(*back == next);
}

TEST_CASE("an all-zero position encodes small and decodes to zeros") {
  partition_offsets zeros(16, 0);
  auto token = encode_offsets(zeros);
  CHECK(token.size() <= 4);
  auto back = decode_offsets(token, 16);
  REQUIRE(back.ok());
  CHECK(*back == zeros);
}

TEST_CASE("malformed offset tokens are refused as invalid arguments") {
  for (std::string bad : {"", "!!!", "AAAA", "Ag"}) {
    auto r = decode_offsets(bad, 16);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == tocsin::domain::errc::invalid_argument);
  }
}

TEST_CASE("a token naming a partition this node does not have is refused") {
  partition_offsets next(64, 0);
  next[40] = 3;
  auto r = decode_offsets(encode_offsets(next), 16);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == tocsin::domain::errc::invalid_argument);
  CHECK_THAT(r.err().message, Catch::Contains("partition 40"));
}
