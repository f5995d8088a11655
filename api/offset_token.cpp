// A leading format byte lets the encoding change without misreading old tokens.
#include "api/offset_token.hpp"

namespace tocsin::api {

namespace {

constexpr unsigned char format_v1 = 1;
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(const std::string& in, std::size_t& pos, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size())
      return false;
    auto b = static_cast<unsigned char>(in[pos++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80))
      return true;
  }
  return false;
}

std::string base64url(const std::string& in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0)
    out.push_back(alphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

bool unbase64url(std::string_view in, std::string& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

domain::error bad_token() {
  return domain::make_error(domain::errc::invalid_argument, "malformed offset token");
}

} // namespace

std::string encode_offsets(const partition_offsets& next) {
  std::string raw;
  raw.push_back(static_cast<char>(format_v1));
  for (std::size_t p = 0; p < next.size(); ++p) {
    if (next[p] == 0)
      continue;
    put_varint(raw, p);
    put_varint(raw, next[p]);
  }
  return base64url(raw);
}

domain::result<partition_offsets> decode_offsets(std::string_view token,
                                                 std::uint32_t partitions) {
  std::string raw;
  if (token.empty() || !unbase64url(token, raw) || raw.empty()
      || static_cast<unsigned char>(raw[0]) != format_v1)
    return bad_token();
  partition_offsets next(partitions, 0);
  std::size_t pos = 1;
  while (pos < raw.size()) {
    std::uint64_t p = 0, off = 0;
    if (!get_varint(raw, pos, p) || !get_varint(raw, pos, off))
      return bad_token();
    if (p >= partitions)
      return domain::make_error(domain::errc::invalid_argument,
                                "offset token names partition " + std::to_string(p)
                                  + " but this node has " + std::to_string(partitions));
    next[p] = off;
  }
  return next;
}

} // namespace tocsin::api
