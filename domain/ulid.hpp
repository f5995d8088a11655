// ULIDs (48-bit millisecond time + 80 random bits, Crockford base32) that also name their journal
// partition: the top 16 random bits hold the partition number. Pure; randomness is injected.
#pragma once

#include "domain/error.hpp"
#include "domain/time.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::domain {

/// Injected randomness. Implementations must be deterministic for a given seed in tests.
class random_source {
public:
  virtual ~random_source() = default;
  virtual std::uint64_t next() = 0;
};

/// splitmix64: small, fast, seedable; not cryptographic (ids need uniqueness, not secrecy).
class splitmix64 final : public random_source {
public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() override;

private:
  std::uint64_t state_;
};

struct ulid {
  std::array<std::uint8_t, 16> bytes{};

  /// 26-character canonical Crockford base32 text.
  std::string str() const;
  std::uint64_t millis() const;
  /// The partition number stored in bits 48..63 (the first random bits).
  std::uint16_t partition() const;

  friend bool operator==(const ulid& a, const ulid& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const ulid& a, const ulid& b) { return !(a == b); }
  friend bool operator<(const ulid& a, const ulid& b) { return a.bytes < b.bytes; }
};

/// A new ULID at time `now` for `partition`; the remaining 64 random bits come from `rnd`.
ulid make_ulid(timestamp now, std::uint16_t partition, random_source& rnd);

/// Parses canonical text (case-insensitive); refuses anything else with invalid_argument.
result<ulid> parse_ulid(std::string_view text);

/// Partition of an id given as text; invalid text → invalid_argument.
result<std::uint16_t> partition_of(std::string_view id_text);

} // namespace tocsin::domain
