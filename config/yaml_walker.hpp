// The YAML walker shared by the config/ loaders (tocsin.yaml, its api: section, tenant policies,
// OpenSLO files): errors thrown as walk_error naming file, line and key. Internal to config/*.cpp
// (it exposes yaml-cpp, which the public headers keep out); single-threaded per load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::config::yaml {

/// Thrown inside a loader only; its public function turns it into a domain::error.
struct walk_error {
  std::string message;
};

/// One `key: value` pair (or list item) met during the walk.
struct field {
  std::string key; // YAML key path from the top: store.partitions, steps[1].delay
  YAML::Mark mark; // of the key (of the item for list items): where a reader looks first
  YAML::Node value;
};

using handler = std::function<void(const field&)>;
using section = std::vector<std::pair<std::string, handler>>;

/// "nothing", "a list", "a map" or the scalar in quotes, with `"` and `\` escaped.
std::string describe(const YAML::Node& value);

/// "<name>:<line>:<column>: invalid YAML: <msg>", yaml-cpp's own line and column dropped.
std::string invalid_yaml(const std::string& name, const YAML::Exception& e);

class walker {
public:
  /// `name` (the file) must outlive the walker.
  explicit walker(const std::string& name) : name_(name) {}
  virtual ~walker() = default;

  const std::string& name() const { return name_; }

  /// Throws "<name>:<line>: <key>: <what>"; the line and key are left out when absent.
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& what) const;
  [[noreturn]] void fail(const field& f, const std::string& what) const {
    fail(f.mark, f.key, what);
  }
  /// "expected <what>" and what was found instead (see found()).
  [[noreturn]] void expected(const field& f, const std::string& what) const;

  /// Every pair of a map; keys must be plain and unique. `prefix` ends in '.' or is empty.
  void each_pair(const YAML::Node& map, const std::string& prefix, const handler& fn) const;
  /// A map of known keys: unknown keys are errors, so a typo never falls back to a default.
  /// A null value (everything commented out) is an empty map; anything else is `what`.
  void walk(const field& f, const section& handlers, const std::string& what = "a map") const;
  /// The items of a list (`what` when not one), each as a field key[i] at the item's own line.
  void each_item(const field& f, const handler& fn, const std::string& what = "a list") const;

  /// A non-empty scalar.
  std::string scalar(const field& f, const std::string& what) const;
  std::uint64_t whole(const field& f, std::uint64_t lo, std::uint64_t hi) const;
  /// A finite decimal number in [lo, hi] ("0.3", "1e3").
  double number(const field& f, double lo, double hi) const;
  /// A byte size ("4GiB") of at least `lo`.
  std::uint64_t size(const field& f, std::uint64_t lo) const;
  /// "250ms", "5m" in [lo, hi]; `range` says so in words ("1ms and 1h").
  std::chrono::milliseconds duration(const field& f, std::chrono::milliseconds lo,
                                     std::chrono::milliseconds hi,
                                     const std::string& range) const;
  std::string choice(const field& f, const std::vector<std::string>& allowed) const;

protected:
  /// The tail of an expected() message: ", got <describe(value)>". Loaders whose messages
  /// have always read differently override it, since tests pin the exact text.
  virtual std::string found(const YAML::Node& value) const;

private:
  const std::string& name_;
};

} // namespace tocsin::config::yaml
