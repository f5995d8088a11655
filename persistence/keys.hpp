// Byte layouts of the LMDB keys and values (big-endian so that LMDB's memcmp order is numeric
// order). Pure, header-only; used by the store, the writer and tests that poke at raw LMDB.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tocsin::persistence::keys {

using aggregate_key = std::array<std::uint8_t, 16>; // the 16 raw ULID bytes

inline void put_be(std::uint8_t* p, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8)
    p[i] = static_cast<std::uint8_t>(v & 0xff);
}
inline std::uint64_t get_be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | p[i];
  return v;
}

/// journal: partition u16 BE + offset u64 BE.
struct journal_key {
  static constexpr std::size_t size = 10;
  std::array<std::uint8_t, size> bytes{};
  journal_key(std::uint32_t partition, std::uint64_t offset) {
    put_be(bytes.data(), partition, 2);
    put_be(bytes.data() + 2, offset, 8);
  }
};
inline std::uint32_t journal_partition(const void* key) {
  return static_cast<std::uint32_t>(get_be(static_cast<const std::uint8_t*>(key), 2));
}
inline std::uint64_t journal_offset(const void* key) {
  return get_be(static_cast<const std::uint8_t*>(key) + 2, 8);
}

/// agg_index: aggregate id (16 bytes) + sequence u64 BE → offset u64 BE.
struct index_key {
  static constexpr std::size_t size = 24;
  std::array<std::uint8_t, size> bytes{};
  index_key(const aggregate_key& id, std::uint64_t sequence) {
    std::memcpy(bytes.data(), id.data(), id.size());
    put_be(bytes.data() + 16, sequence, 8);
  }
};
inline bool same_aggregate(const void* key, std::size_t size, const aggregate_key& id) {
  return size == index_key::size && std::memcmp(key, id.data(), id.size()) == 0;
}
inline std::uint64_t index_sequence(const void* key) {
  return get_be(static_cast<const std::uint8_t*>(key) + 16, 8);
}

struct u64_value {
  std::array<std::uint8_t, 8> bytes{};
  explicit u64_value(std::uint64_t v) { put_be(bytes.data(), v, 8); }
};
inline std::uint64_t read_u64(const void* data) {
  return get_be(static_cast<const std::uint8_t*>(data), 8);
}

// meta keys.
inline constexpr std::string_view meta_partitions = "partitions"; // u64 BE
inline std::string meta_watermark(std::uint32_t partition) {      // "wm/" + u16 BE → u64 BE
  std::string k = "wm/";
  k.push_back(static_cast<char>((partition >> 8) & 0xff));
  k.push_back(static_cast<char>(partition & 0xff));
  return k;
}

} // namespace tocsin::persistence::keys
