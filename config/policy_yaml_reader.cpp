// Typed reads for the tenant policy loader, in the style of config.cpp's walker: each error
// names file, line and key, and says what was expected and what was found.
#include "config/policy_yaml_reader.hpp"

#include "config/units.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace tocsin::config::policy_yaml {
namespace {

constexpr std::chrono::milliseconds max_duration = std::chrono::hours{24 * 365};

std::string known_roles_text() {
  std::string out;
  for (auto r : domain::known_roles) out.append(out.empty() ? "" : ", ").append(r);
  return out;
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

void reader::fail(const YAML::Mark& mark, const std::string& key, const std::string& what) const {
  std::ostringstream out;
  out << name_;
  if (!mark.is_null()) out << ':' << mark.line + 1;
  out << ": ";
  if (!key.empty()) out << key << ": ";
  out << what;
  throw policy_error{out.str()};
}

void reader::expected(const field& f, const std::string& what) const {
  fail(f.mark, f.key, "expected " + what + ", got " + describe(f.value));
}

void reader::each_pair(const YAML::Node& map, const std::string& prefix,
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

void reader::walk(const field& f, const section& handlers) const {
  if (f.value.IsNull()) return;
  if (!f.value.IsMap()) expected(f, "a map");
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

void reader::each_item(const field& f, const handler& fn) const {
  if (f.value.IsNull()) return;
  if (!f.value.IsSequence()) expected(f, "a list");
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const YAML::Node item = f.value[i];
    fn(field{f.key + "[" + std::to_string(i) + "]", item.Mark(), item});
  }
}

std::string reader::scalar(const field& f, const std::string& what) const {
  if (!f.value.IsScalar() || f.value.Scalar().empty()) expected(f, what);
  return f.value.Scalar();
}

void reader::known_role(const field& f, const std::string& name) const {
  for (auto known : domain::known_roles)
    if (name == known) return;
  fail(f.mark, f.key, "unknown role '" + name + "' (known: " + known_roles_text() + ")");
}

std::string reader::role(const field& f) const {
  auto r = scalar(f, "a role name");
  known_role(f, r);
  return r;
}

domain::duration reader::time(const field& f, std::chrono::milliseconds lo) const {
  const std::string what =
      "a duration between " + std::to_string(lo.count()) + "ms and 8760h (units: ms, s, m, h)";
  auto d = parse_duration(scalar(f, what));
  if (!d || *d < lo || *d > max_duration) expected(f, what);
  return d->count() * domain::nanos_per_milli;
}

std::uint64_t reader::whole(const field& f, std::uint64_t lo, std::uint64_t hi) const {
  const std::string what =
      "a whole number between " + std::to_string(lo) + " and " + std::to_string(hi);
  auto n = parse_whole(scalar(f, what));
  if (!n || *n < lo || *n > hi) expected(f, what);
  return *n;
}

double reader::amount(const field& f) const {
  const std::string what = "a number of at least 0";
  const std::string text = scalar(f, what);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) || v < 0)
    expected(f, what);
  return v;
}

// Secrets are read at load: one that cannot be read is an error now, not an unsigned (or
// refused) webhook later.
std::string reader::secret(const field& f) const {
  if (f.value.IsScalar()) return scalar(f, "a secret");
  if (!f.value.IsMap() || f.value.size() != 1)
    expected(f, "a string, {env: VARIABLE} or {file: path}");
  std::string out;
  walk(f, {{"env", [&](const field& e) { out = from_env(e); }},
           {"file", [&](const field& e) { out = from_file(e); }}});
  return out;
}

std::string reader::from_env(const field& f) const {
  const auto var = scalar(f, "an environment variable name");
  const char* v = std::getenv(var.c_str());
  if (v == nullptr) fail(f.mark, f.key, "environment variable " + var + " is not set");
  if (*v == '\0') fail(f.mark, f.key, "environment variable " + var + " is empty");
  return v;
}

std::string reader::from_file(const field& f) const {
  std::filesystem::path path = scalar(f, "a file path");
  if (path.is_relative()) path = base_dir_ / path;
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    const int err = errno;
    fail(f.mark, f.key, "cannot read '" + path.string() + "': " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  // `echo secret > file` leaves a newline that is not part of the secret.
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) fail(f.mark, f.key, "'" + path.string() + "' is empty");
  return s;
}

} // namespace tocsin::config::policy_yaml
