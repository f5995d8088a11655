#include "config/units.hpp"

#include <charconv>
#include <limits>
#include <utility>

namespace tocsin::config {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

// Splits "250ms" into ("250", "ms"); spaces between number and unit are allowed.
std::pair<std::string_view, std::string_view> split_number(std::string_view text) {
  text = trim(text);
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    ++i;
  return {text.substr(0, i), trim(text.substr(i))};
}

std::optional<std::uint64_t> scaled(std::uint64_t n, std::uint64_t factor) {
  if (factor != 0 && n > std::numeric_limits<std::uint64_t>::max() / factor)
    return std::nullopt;
  return n * factor;
}

} // namespace

std::optional<std::uint64_t> parse_whole(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  auto [digits, unit] = split_number(text);
  auto n = parse_whole(digits);
  if (!n)
    return std::nullopt;
  if (unit.empty() || unit == "B")
    return n;
  if (unit == "KiB")
    return scaled(*n, std::uint64_t{1} << 10);
  if (unit == "MiB")
    return scaled(*n, std::uint64_t{1} << 20);
  if (unit == "GiB")
    return scaled(*n, std::uint64_t{1} << 30);
  if (unit == "TiB")
    return scaled(*n, std::uint64_t{1} << 40);
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto [digits, unit] = split_number(text);
  auto n = parse_whole(digits);
  if (!n)
    return std::nullopt;
  std::optional<std::uint64_t> ms;
  if (unit == "ms")
    ms = n;
  else if (unit == "s")
    ms = scaled(*n, 1000);
  else if (unit == "m")
    ms = scaled(*n, 60'000);
  else if (unit == "h")
    ms = scaled(*n, 3'600'000);
  // milliseconds::rep is signed: keep the value representable.
  if (!ms || *ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<std::int64_t>(*ms)};
}

} // namespace tocsin::config
