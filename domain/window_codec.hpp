// Compact byte encoding of closed windows and window-store meta (little-endian base-128
// varints, zigzag for signed values, a leading format version). Pure codec, thread-safe:
// persistence stores the bytes, aggregator shards restore from them.
#pragma once

#include "domain/error.hpp"
#include "domain/window.hpp"

#include <string>
#include <string_view>

namespace tocsin::domain {

std::string encode(const closed_window& w);
/// corrupt_record when truncated, of an unknown version, or followed by trailing bytes.
result<closed_window> decode_closed_window(std::string_view bytes);

std::string encode(const store_meta& m);
result<store_meta> decode_store_meta(std::string_view bytes);

} // namespace tocsin::domain
