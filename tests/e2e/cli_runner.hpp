// Runs a CLI binary (tocsinctl) to completion for end-to-end tests: separate stdout and stderr,
// exit code, extra environment variables. Test-only; call from the test's thread(s).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace tocsin::e2e {

struct cli_result {
  int code = -1; // exit code; -1 if killed by a signal or timed out
  std::string out;
  std::string err;
};

/// Runs argv with the test's environment plus `env` (overriding); kills the child after
/// `timeout`. Output files go to `scratch_dir`. Throws std::runtime_error if it cannot spawn.
cli_result run_cli(const std::vector<std::string>& argv, const std::string& scratch_dir,
                   const std::map<std::string, std::string>& env = {},
                   std::chrono::milliseconds timeout = std::chrono::seconds{60});

} // namespace tocsin::e2e
