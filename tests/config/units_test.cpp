// Sizes, durations and whole numbers as tocsin.yaml writes them.
#include "config/units.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using tocsin::config::parse_duration;
using tocsin::config::parse_size;
using tocsin::config::parse_whole;

TEST_CASE("sizes take binary units or plain bytes") {
  CHECK(parse_size("4GiB") == (std::uint64_t{4} << 30));
  CHECK(parse_size("512 MiB") == (std::uint64_t{512} << 20));
  CHECK(parse_size("1KiB") == 1024u);
  CHECK(parse_size("2TiB") == (std::uint64_t{2} << 40));
  CHECK(parse_size("1048576") == 1048576u);
  CHECK(parse_size("100B") == 100u);
  CHECK_FALSE(parse_size("4GB"));
  CHECK_FALSE(parse_size("4 gib"));
  CHECK_FALSE(parse_size("GiB"));
  CHECK_FALSE(parse_size("-1MiB"));
  CHECK_FALSE(parse_size("1.5GiB"));
  CHECK_FALSE(parse_size("99999999999TiB")); // overflows 64 bits
}

TEST_CASE("durations need a unit") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("60s") == 60s);
  CHECK(parse_duration("5m") == 5min);
  CHECK(parse_duration("2h") == 2h);
  CHECK(parse_duration("10 s") == 10s);
  CHECK_FALSE(parse_duration("60"));
  CHECK_FALSE(parse_duration("1d"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("1.5s"));
}

TEST_CASE("whole numbers are digits only") {
  CHECK(parse_whole("0") == 0u);
  CHECK(parse_whole("65536") == 65536u);
  CHECK_FALSE(parse_whole(""));
  CHECK_FALSE(parse_whole("+1"));
  CHECK_FALSE(parse_whole("1e3"));
  CHECK_FALSE(parse_whole(" 1"));
  CHECK_FALSE(parse_whole("99999999999999999999999"));
}
