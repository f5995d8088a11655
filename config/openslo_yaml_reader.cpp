// The OpenSLO loader's own reads on top of yaml::walker; errors say what was expected and what
// was found.
#include "config/openslo_yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace tocsin::config::openslo {
namespace {

constexpr domain::duration max_window = 366 * 86400 * domain::nanos_per_second;

} // namespace

std::string reader::found(const YAML::Node& value) const {
  if (!value.IsScalar()) return ", got " + yaml::describe(value);
  return ", got \"" + value.Scalar() + "\"";
}

std::map<std::string, field> reader::fields(const field& map,
                                            std::initializer_list<std::string_view> known) const {
  if (!map.value.IsMap()) expected(map, "a map");
  const std::string prefix = map.key.empty() ? "" : map.key + ".";
  std::map<std::string, field> out;
  for (const auto& kv : map.value) {
    if (!kv.first.IsScalar()) fail(kv.first.Mark(), map.key, "keys must be plain names");
    const std::string name = kv.first.Scalar();
    field f{prefix + name, kv.first.Mark(), kv.second};
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string names;
      for (auto k : known) names.append(names.empty() ? "" : ", ").append(k);
      fail(f, "unknown key (expected one of: " + names + ")");
    }
    if (!out.emplace(name, f).second) fail(f, "appears twice");
  }
  return out;
}

const field& reader::need(const std::map<std::string, field>& fs, const field& map,
                          const std::string& name) const {
  auto it = fs.find(name);
  if (it == fs.end()) fail(map.mark, map.key.empty() ? name : map.key + "." + name, "required");
  return it->second;
}

std::vector<field> reader::items(const field& list) const {
  std::vector<field> out;
  each_item(list, [&](const field& item) { out.push_back(item); });
  return out;
}

std::string reader::text(const field& f) const {
  return scalar(f, "a non-empty string");
}

double reader::number(const field& f) const {
  if (!f.value.IsScalar()) expected(f, "a number");
  const std::string& s = f.value.Scalar();
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v))
    expected(f, "a number");
  return v;
}

bool reader::boolean(const field& f) const {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  expected(f, "true or false");
}

domain::duration reader::time(const field& f) const {
  const std::string what = "a duration such as 30s, 5m, 1h, 28d or 1w";
  if (!f.value.IsScalar()) expected(f, what);
  const std::string& s = f.value.Scalar();
  const auto digits = s.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string::npos || digits + 1 != s.size()) expected(f, what);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + digits, n);
  if (ec != std::errc{} || end != s.data() + digits) expected(f, what);
  domain::duration unit = 0;
  switch (s.back()) {
  case 's': unit = domain::nanos_per_second; break;
  case 'm': unit = 60 * domain::nanos_per_second; break;
  case 'h': unit = 3600 * domain::nanos_per_second; break;
  case 'd': unit = 86400 * domain::nanos_per_second; break;
  case 'w': unit = 7 * 86400 * domain::nanos_per_second; break;
  default: expected(f, what);
  }
  if (n <= 0 || n > max_window / unit) fail(f, "must be between 1s and 366d, got " + s);
  return n * unit;
}

} // namespace tocsin::config::openslo
