// ULID text encoding (Crockford base32, 26 characters for 128 bits plus 2 leading zero bits) and
// construction. The partition sits in the first random bytes so any id names its journal shard.
#include "domain/ulid.hpp"

#include <cstddef>

namespace tocsin::domain {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t text_length = 26;

// 128-bit arithmetic keeps encode/decode to one shift per character: ids are parsed on every
// routed command and every journal append, so this is a hot path.
using u128 = unsigned __int128;

u128 to_u128(const std::array<std::uint8_t, 16>& b) {
  u128 v = 0;
  for (auto byte : b) v = (v << 8) | byte;
  return v;
}

// Digit values by character (either case), -1 elsewhere. Crockford's aliases (I, L, O) are
// refused: only canonical text is accepted so that an id has exactly one spelling up to case.
constexpr std::array<std::int8_t, 256> make_digit_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    const auto c = static_cast<unsigned char>(alphabet[i]);
    t[c] = static_cast<std::int8_t>(i);
    if (c >= 'A' && c <= 'Z') t[c - 'A' + 'a'] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr auto digit_table = make_digit_table();

error bad_ulid(std::string_view text, std::string_view why) {
  return make_error(errc::invalid_argument,
                    "invalid ULID '" + std::string(text) + "': " + std::string(why));
}

} // namespace

std::uint64_t splitmix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string ulid::str() const {
  std::string out(text_length, '0');
  u128 v = to_u128(bytes);
  for (std::size_t c = text_length; c-- > 0; v >>= 5)
    out[c] = alphabet[static_cast<std::size_t>(v & 31)];
  return out;
}

std::uint64_t ulid::millis() const {
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i) ms = (ms << 8) | bytes[i];
  return ms;
}

std::uint16_t ulid::partition() const {
  return static_cast<std::uint16_t>((bytes[6] << 8) | bytes[7]);
}

ulid make_ulid(timestamp now, std::uint16_t partition, random_source& rnd) {
  ulid id;
  auto ms = static_cast<std::uint64_t>(now < 0 ? 0 : now / nanos_per_milli);
  for (int i = 5; i >= 0; --i, ms >>= 8) id.bytes[static_cast<std::size_t>(i)] = ms & 0xff;
  id.bytes[6] = static_cast<std::uint8_t>(partition >> 8);
  id.bytes[7] = static_cast<std::uint8_t>(partition & 0xff);
  auto r = rnd.next();
  for (int i = 15; i >= 8; --i, r >>= 8) id.bytes[static_cast<std::size_t>(i)] = r & 0xff;
  return id;
}

result<ulid> parse_ulid(std::string_view text) {
  if (text.size() != text_length)
    return bad_ulid(text, "expected 26 characters, got " + std::to_string(text.size()));
  if (text[0] > '7') return bad_ulid(text, "first character must be 0-7 (value exceeds 128 bits)");
  u128 v = 0;
  for (std::size_t c = 0; c < text_length; ++c) {
    const int d = digit_table[static_cast<unsigned char>(text[c])];
    if (d < 0)
      return bad_ulid(text, "character '" + std::string(1, text[c]) + "' at position "
                                + std::to_string(c) + " is not Crockford base32");
    v = (v << 5) | static_cast<unsigned>(d);
  }
  ulid id;
  for (std::size_t i = 16; i-- > 0; v >>= 8) id.bytes[i] = static_cast<std::uint8_t>(v & 0xff);
  return id;
}

result<std::uint16_t> partition_of(std::string_view id_text) {
  auto id = parse_ulid(id_text);
  if (!id) return id.err();
  return id->partition();
}

} // namespace tocsin::domain
