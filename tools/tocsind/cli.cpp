#include "cli.hpp"

#include <CLI/CLI.hpp>

namespace tocsin::tocsind {

cli_result parse_cli(int argc, char** argv) {
  cli_result out;
  CLI::App app{"tocsind: the Tocsin incident engine daemon. Runs in the foreground until SIGINT "
               "or SIGTERM."};
  app.add_option("--config", out.options.config_path, "YAML configuration file")
    ->capture_default_str();
  app.add_option("--data-dir", out.options.data_dir,
                 "Data directory (LMDB store); overrides data_dir of the config "
                 "(default there: var/tocsin)");
  app.add_option("--log-level", out.options.log_level, "Overrides log.level of the config")
    ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e); // prints help or the usage error
    // Usage errors exit 2 across Tocsin's tools (DESIGN.md §9), whatever CLI11's own code is.
    out.exit_code = code == 0 ? 0 : 2;
  }
  return out;
}

} // namespace tocsin::tocsind
