// tocsind's command line: what it accepts and how it overrides tocsin.yaml. Used by main() only.
#pragma once

#include <optional>
#include <string>

namespace tocsin::tocsind {

struct cli_options {
  std::string config_path = "config/tocsin.yaml";
  std::optional<std::string> data_dir;  // overrides the config's data_dir
  std::optional<std::string> log_level; // overrides the config's log.level
};

/// Parses argv. On --help or a usage error, CLI11 has printed what is needed and the returned
/// exit code is set (0 for --help, 2 for a usage error); otherwise `exit_code` is empty.
struct cli_result {
  cli_options options;
  std::optional<int> exit_code;
};
cli_result parse_cli(int argc, char** argv);

} // namespace tocsin::tocsind
