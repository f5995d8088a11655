// The policy loader's own reads on top of yaml::walker; each error names file, line and key.
#include "config/policy_yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
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

void reader::optional_items(const field& f, const handler& fn) const {
  if (f.value.IsNull()) return;
  each_item(f, fn);
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
  return duration(f, lo, max_duration, std::to_string(lo.count()) + "ms and 8760h").count() *
         domain::nanos_per_milli;
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
