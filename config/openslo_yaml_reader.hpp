// The YAML walker behind the OpenSLO loader: typed reads of one key each, errors thrown as
// openslo_error naming file, line and key. Internal to config/openslo_yaml*.cpp (it exposes
// yaml-cpp, which the public config/openslo_yaml.hpp keeps out); single-threaded per load.
#pragma once

#include "domain/window.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::config::openslo {

/// Thrown inside the loader only; the public functions turn it into a domain::error.
struct openslo_error {
  std::string message;
};

/// One value met during the walk, with the key path that leads to it in its document
/// (spec.objectives[0].target) and where it is.
struct field {
  std::string key;
  YAML::Mark mark;
  YAML::Node value;
};

class reader {
public:
  explicit reader(const std::string& name) : name_(name) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& what) const;
  [[noreturn]] void fail(const field& f, const std::string& what) const {
    fail(f.mark, f.key, what);
  }
  [[noreturn]] void expected(const field& f, const std::string& what) const;

  /// The pairs of a map, by name. Keys outside `known` are errors (a typo never silently
  /// falls back to a default); so are repeated keys.
  std::map<std::string, field> fields(const field& map,
                                      std::initializer_list<std::string_view> known) const;
  /// fields[name], or an error "required" at the map.
  const field& need(const std::map<std::string, field>& fs, const field& map,
                    const std::string& name) const;
  std::vector<field> items(const field& list) const;

  std::string text(const field& f) const;
  double number(const field& f) const;
  bool boolean(const field& f) const;
  /// "30s", "5m", "1h", "28d", "1w" -> nanoseconds (> 0, at most 366 days).
  domain::duration time(const field& f) const;

private:
  const std::string& name_;
};

} // namespace tocsin::config::openslo
