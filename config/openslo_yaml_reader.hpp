// The OpenSLO loader's additions to the shared YAML walker: maps read by name (fields/need) and
// OpenSLO's own scalars (numbers, booleans, 28d-style windows). Internal to
// config/openslo_yaml*.cpp (it exposes yaml-cpp, which config/openslo_yaml.hpp keeps out);
// single-threaded per load.
#pragma once

#include "config/yaml_walker.hpp"
#include "domain/window.hpp"

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::config::openslo {

using yaml::field;

class reader : public yaml::walker {
public:
  using walker::walker;

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

protected:
  /// OpenSLO messages have always quoted the value found without escaping it.
  std::string found(const YAML::Node& value) const override;
};

} // namespace tocsin::config::openslo
