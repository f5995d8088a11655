// The tenant policy loader's additions to the shared YAML walker: roles, policy durations and
// amounts, secrets resolved against the policy file's directory. Internal to
// config/policy_yaml*.cpp (it exposes yaml-cpp, which config/policy_yaml.hpp keeps out);
// single-threaded per load.
#pragma once

#include "config/yaml_walker.hpp"
#include "domain/policy.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>

namespace tocsin::config::policy_yaml {

using yaml::describe;
using yaml::field;
using yaml::handler;
using yaml::section;

class reader : public yaml::walker {
public:
  /// `base_dir` resolves relative {file: path} secrets.
  reader(const std::string& name, std::filesystem::path base_dir)
      : walker(name), base_dir_(std::move(base_dir)) {}

  /// each_item, except that an empty value (all items commented out) is an empty list.
  void optional_items(const field& f, const handler& fn) const;
  /// A scalar that must be one of domain::known_roles.
  std::string role(const field& f) const;
  /// `name` (the key of f) must be one of domain::known_roles.
  void known_role(const field& f, const std::string& name) const;
  /// A duration ("250ms", "5m") between `lo` and 8760h, in nanoseconds.
  domain::duration time(const field& f, std::chrono::milliseconds lo) const;
  /// A finite decimal number >= 0.
  double amount(const field& f) const;
  /// An inline string, or {env: VAR} / {file: path} read now.
  std::string secret(const field& f) const;

private:
  std::string from_env(const field& f) const;
  std::string from_file(const field& f) const;

  std::filesystem::path base_dir_;
};

} // namespace tocsin::config::policy_yaml
