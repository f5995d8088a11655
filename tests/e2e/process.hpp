// Runs a real binary as a child process for end-to-end tests: stdout and stderr go to a file the
// test polls. Test-only; one object per child, used from the test's thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tocsin::e2e {

class child_process {
public:
  /// Spawns argv[0] with default signal dispositions and an empty signal mask, stdin from
  /// /dev/null and both output streams appended to `log_path`. Throws std::runtime_error.
  child_process(const std::vector<std::string>& argv, std::string log_path);
  /// Kills (SIGKILL) and reaps the child if it is still running.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Polls the log until it contains `text`; false if the child exits first or time runs out.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout);
  /// The exit code once the child has exited; -1 if a signal killed it; nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  void send_signal(int sig);
  std::string log() const;

private:
  bool reap(bool block);

  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

/// Writes `text` to `path` (truncating); returns `path`. Throws std::runtime_error.
std::string write_file(const std::string& path, const std::string& text);

} // namespace tocsin::e2e
