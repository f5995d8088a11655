// Opaque Watch offsets: the next journal offset of every partition, encoded compactly (base64url
// of varint (partition, offset) pairs for non-zero partitions). Pure; used by the watch tailer
// and by tests.
#pragma once

#include "domain/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::api {

/// next[p] = offset of the first record of partition p not yet delivered.
using partition_offsets = std::vector<std::uint64_t>;

std::string encode_offsets(const partition_offsets& next);

/// Refuses (invalid_argument) malformed text and partitions >= `partitions`.
domain::result<partition_offsets> decode_offsets(std::string_view token, std::uint32_t partitions);

} // namespace tocsin::api
