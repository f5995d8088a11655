// The walk and the typed reads common to every config/ loader; each error names file, line and
// key, and says what was expected and what was found.
#include "config/yaml_walker.hpp"

#include "config/units.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>

namespace tocsin::config::yaml {
namespace {

std::string fmt_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

} // namespace

std::string describe(const YAML::Node& value) {
  if (!value.IsDefined() || value.IsNull()) return "nothing";
  if (value.IsSequence()) return "a list";
  if (value.IsMap()) return "a map";
  std::string out = "\"";
  for (char c : value.Scalar()) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string invalid_yaml(const std::string& name, const YAML::Exception& e) {
  std::ostringstream out;
  out << name;
  if (!e.mark.is_null()) out << ':' << e.mark.line + 1 << ':' << e.mark.column + 1;
  out << ": invalid YAML: " << e.msg;
  return out.str();
}

void walker::fail(const YAML::Mark& mark, const std::string& key, const std::string& what) const {
  std::ostringstream out;
  out << name_;
  if (!mark.is_null()) out << ':' << mark.line + 1;
  out << ": ";
  if (!key.empty()) out << key << ": ";
  out << what;
  throw walk_error{out.str()};
}

void walker::expected(const field& f, const std::string& what) const {
  fail(f.mark, f.key, "expected " + what + found(f.value));
}

std::string walker::found(const YAML::Node& value) const { return ", got " + describe(value); }

void walker::each_pair(const YAML::Node& map, const std::string& prefix,
                       const handler& fn) const {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar())
      fail(kv.first.Mark(), prefix, "keys must be plain names, got " + describe(kv.first));
    field f{prefix + kv.first.Scalar(), kv.first.Mark(), kv.second};
    if (!seen.insert(kv.first.Scalar()).second) fail(f.mark, f.key, "appears twice");
    fn(f);
  }
}

void walker::walk(const field& f, const section& handlers, const std::string& what) const {
  if (f.value.IsNull()) return;
  if (!f.value.IsMap()) expected(f, what);
  const std::string prefix = f.key.empty() ? "" : f.key + ".";
  each_pair(f.value, prefix, [&](const field& kv) {
    const std::string name = kv.key.substr(prefix.size());
    auto it = std::find_if(handlers.begin(), handlers.end(),
                           [&](const auto& h) { return h.first == name; });
    if (it == handlers.end()) {
      std::string names;
      for (const auto& h : handlers) names += (names.empty() ? "" : ", ") + h.first;
      fail(kv.mark, kv.key, "unknown key (expected one of: " + names + ")");
    }
    it->second(kv);
  });
}

void walker::each_item(const field& f, const handler& fn, const std::string& what) const {
  if (!f.value.IsSequence()) expected(f, what);
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const YAML::Node item = f.value[i];
    fn(field{f.key + "[" + std::to_string(i) + "]", item.Mark(), item});
  }
}

std::string walker::scalar(const field& f, const std::string& what) const {
  if (!f.value.IsScalar() || f.value.Scalar().empty()) expected(f, what);
  return f.value.Scalar();
}

std::uint64_t walker::whole(const field& f, std::uint64_t lo, std::uint64_t hi) const {
  const std::string what =
      "a whole number between " + std::to_string(lo) + " and " + std::to_string(hi);
  auto n = parse_whole(scalar(f, what));
  if (!n || *n < lo || *n > hi) expected(f, what);
  return *n;
}

double walker::number(const field& f, double lo, double hi) const {
  const std::string what = "a number between " + fmt_number(lo) + " and " + fmt_number(hi);
  const std::string text = scalar(f, what);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo || v > hi)
    expected(f, what);
  return v;
}

std::uint64_t walker::size(const field& f, std::uint64_t lo) const {
  const std::string what = "a size of at least " + std::to_string(lo) +
                           " bytes, such as 4GiB (units: B, KiB, MiB, GiB, TiB)";
  auto n = parse_size(scalar(f, what));
  if (!n || *n < lo || *n > std::numeric_limits<std::size_t>::max()) expected(f, what);
  return *n;
}

std::chrono::milliseconds walker::duration(const field& f, std::chrono::milliseconds lo,
                                           std::chrono::milliseconds hi,
                                           const std::string& range) const {
  const std::string what = "a duration between " + range + " (units: ms, s, m, h)";
  auto d = parse_duration(scalar(f, what));
  if (!d || *d < lo || *d > hi) expected(f, what);
  return *d;
}

std::string walker::choice(const field& f, const std::vector<std::string>& allowed) const {
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : " | ") + a;
  const std::string what = "one of " + list;
  auto s = scalar(f, what);
  for (const auto& a : allowed)
    if (s == a) return s;
  expected(f, what);
}

} // namespace tocsin::config::yaml
