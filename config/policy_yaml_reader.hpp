// The YAML walker behind the tenant policy loader: typed reads of one key each, errors thrown
// as policy_error naming file, line and key. Internal to config/policy_yaml*.cpp (it exposes
// yaml-cpp, which the public config/policy_yaml.hpp keeps out); single-threaded per load.
#pragma once

#include "domain/policy.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::config::policy_yaml {

/// Thrown inside the loader only; parse_policy_text turns it into a domain::error.
struct policy_error {
  std::string message;
};

/// One `key: value` pair (or list item) met during the walk.
struct field {
  std::string key; // YAML key path: channels.pager.url, steps[1].delay
  YAML::Mark mark; // of the key (of the item for list items): where a reader looks first
  YAML::Node value;
};

using handler = std::function<void(const field&)>;
using section = std::vector<std::pair<std::string, handler>>;

std::string describe(const YAML::Node& value);

class reader {
public:
  /// `base_dir` resolves relative {file: path} secrets.
  reader(const std::string& name, std::filesystem::path base_dir)
      : name_(name), base_dir_(std::move(base_dir)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& what) const;
  [[noreturn]] void expected(const field& f, const std::string& what) const;

  /// Every pair of a map; keys must be plain and unique. `prefix` ends in '.' or is empty.
  void each_pair(const YAML::Node& map, const std::string& prefix, const handler& fn) const;
  /// A map of known keys: unknown keys are errors, so a typo never falls back to a default.
  /// A null value (everything commented out) is an empty map.
  void walk(const field& f, const section& handlers) const;
  /// The items of a list, each as a field key[i] at the item's own line.
  void each_item(const field& f, const handler& fn) const;

  std::string scalar(const field& f, const std::string& what) const;
  /// A scalar that must be one of domain::known_roles.
  std::string role(const field& f) const;
  /// `name` (the key of f) must be one of domain::known_roles.
  void known_role(const field& f, const std::string& name) const;
  /// A duration ("250ms", "5m") between `lo` and 8760h, in nanoseconds.
  domain::duration time(const field& f, std::chrono::milliseconds lo) const;
  std::uint64_t whole(const field& f, std::uint64_t lo, std::uint64_t hi) const;
  /// A finite decimal number >= 0.
  double amount(const field& f) const;
  /// An inline string, or {env: VAR} / {file: path} read now.
  std::string secret(const field& f) const;

private:
  std::string from_env(const field& f) const;
  std::string from_file(const field& f) const;

  const std::string& name_;
  std::filesystem::path base_dir_;
};

} // namespace tocsin::config::policy_yaml
