// ULID text encoding, ordering, partition bits and refusal of malformed text.
#include "domain/ulid.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace tocsin::domain;

namespace {

// Returns a fixed sequence so the random bytes of an id are known.
class fixed_random final : public random_source {
public:
  explicit fixed_random(std::uint64_t v) : v_(v) {}
  std::uint64_t next() override { return v_; }

private:
  std::uint64_t v_;
};

constexpr timestamp spec_example_ms = 1469918176385; // "01ARYZ6S41" in the ULID spec

} // namespace

TEST_CASE("splitmix64 follows the reference algorithm", "[ulid]") {
  splitmix64 zero(0);
  CHECK(zero.next() == 0xe220a8397b1dcdafULL);
  CHECK(zero.next() == 0x6e789e6aa1b965f4ULL);
  splitmix64 vigna(1234567);
  CHECK(vigna.next() == 6457827717110365317ULL);
  CHECK(vigna.next() == 3203168211198807973ULL);
  CHECK(vigna.next() == 9817491932198370423ULL);
}

TEST_CASE("ULID encodes time, partition and random bits in canonical text", "[ulid]") {
  splitmix64 rnd(42);
  auto id = make_ulid(spec_example_ms * nanos_per_milli + 999'999, 0x1234, rnd);
  CHECK(id.str() == "01ARYZ6S4128TBVNSJ4RQYPVMN"); // cross-checked with an independent encoder
  CHECK(id.millis() == static_cast<std::uint64_t>(spec_example_ms));
  CHECK(id.partition() == 0x1234);
  CHECK(id.bytes[8] == 0xbd);
  CHECK(id.bytes[15] == 0x95);
}

TEST_CASE("ULID text round-trips, case-insensitively", "[ulid]") {
  splitmix64 rnd(7);
  manual_clock clk;
  for (int i = 0; i < 500; ++i) {
    clk.advance(123'456'789);
    auto id = make_ulid(clk.now(), static_cast<std::uint16_t>(i * 131), rnd);
    auto text = id.str();
    REQUIRE(text.size() == 26);
    auto back = parse_ulid(text);
    REQUIRE(back.ok());
    CHECK(*back == id);
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto back_lower = parse_ulid(lower);
    REQUIRE(back_lower.ok());
    CHECK(*back_lower == id);
  }
}

TEST_CASE("ULID extremes round-trip", "[ulid]") {
  ulid all_ones;
  all_ones.bytes.fill(0xff);
  CHECK(all_ones.str() == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  CHECK(*parse_ulid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ") == all_ones);
  CHECK(ulid{}.str() == "00000000000000000000000000");
  CHECK(*parse_ulid("00000000000000000000000000") == ulid{});
}

TEST_CASE("ULIDs order by time, in bytes and in text", "[ulid]") {
  splitmix64 rnd(99);
  manual_clock clk;
  std::vector<ulid> ids;
  for (int i = 0; i < 200; ++i) {
    clk.advance(nanos_per_milli * (1 + i % 5));
    ids.push_back(make_ulid(clk.now(), static_cast<std::uint16_t>(200 - i), rnd));
  }
  for (std::size_t i = 1; i < ids.size(); ++i) {
    CHECK(ids[i - 1] < ids[i]);
    CHECK(ids[i - 1].str() < ids[i].str());
  }
}

TEST_CASE("ULID keeps the partition and partition_of reads it from text", "[ulid]") {
  fixed_random rnd(0);
  for (std::uint16_t p : {0, 1, 255, 256, 4095, 65535}) {
    auto id = make_ulid(1'700'000'000 * nanos_per_second, p, rnd);
    CHECK(id.partition() == p);
    auto from_text = partition_of(id.str());
    REQUIRE(from_text.ok());
    CHECK(*from_text == p);
  }
}

TEST_CASE("malformed ULID text is refused with invalid_argument", "[ulid]") {
  const char* bad[] = {
      "",                            // empty
      "01ARYZ6S4128TBVNSJ4RQYPVM",   // 25 characters
      "01ARYZ6S4128TBVNSJ4RQYPVMNX", // 27 characters
      "81ARYZ6S4128TBVNSJ4RQYPVMN",  // overflows 128 bits
      "01ARYZ6S4128TBVNSJ4RQYPVMU",  // U is not in the alphabet
      "01ARYZ6S4128TBVNSJ4RQYPVMI",  // neither is I
      "01ARYZ6S41-8TBVNSJ4RQYPVMN",  // punctuation
  };
  for (const char* text : bad) {
    INFO(text);
    auto r = parse_ulid(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::invalid_argument);
    CHECK(r.err().message.find("invalid ULID") != std::string::npos);
    CHECK(partition_of(text).err().code == errc::invalid_argument);
  }
}
