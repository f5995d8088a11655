// Parsing of the unit-bearing scalars of tocsin.yaml (byte sizes, durations) and whole numbers.
// Pure, thread-safe; used by the config loader and its tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tocsin::config {

/// "4GiB", "512 MiB", "1048576" or "1048576B" -> bytes. Binary units only (B, KiB, MiB, GiB,
/// TiB): a decimal "GB" is refused rather than guessed. nullopt on malformed text or overflow.
std::optional<std::uint64_t> parse_size(std::string_view text);

/// "250ms", "60s", "5m", "1h" -> milliseconds. The unit is required: a bare "60" is ambiguous.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Decimal digits only (no sign, no spaces, no exponent). nullopt on anything else or overflow.
std::optional<std::uint64_t> parse_whole(std::string_view text);

} // namespace tocsin::config
