// Runs webhook-sink as a child process and reads its request log. For the notifier's tests and
// benchmarks only: one object per child, used from one thread; throws std::runtime_error when
// the sink cannot be started.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tocsin::sink {

/// A port that was free a moment ago (bound to 127.0.0.1:0, then closed): for a sink that must
/// start later on a known address.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0)
    ::close(fd);
  return port;
}

class sink_process {
public:
  using json = nlohmann::json;

  /// Starts `binary --port port --log log_path extra...` and waits until it listens; port 0
  /// lets the sink pick one (read back from its "listening on PORT" line). An empty log_path
  /// logs nothing (benchmarks); the sink's own output then goes to `out_path`.
  sink_process(const std::string& binary, std::string log_path, std::vector<std::string> extra,
               int port = 0, std::string out_path = {})
      : log_path_(std::move(log_path)),
        out_path_(!out_path.empty() ? std::move(out_path) : log_path_ + ".out") {
    std::vector<std::string> args = {binary, "--port", std::to_string(port)};
    if (!log_path_.empty()) {
      args.push_back("--log");
      args.push_back(log_path_);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int rc = ::posix_spawn(&pid_, binary.c_str(), &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
      throw std::runtime_error("cannot spawn " + binary);
    port_ = wait_listening(std::chrono::seconds(30));
    if (port_ <= 0) {
      stop();
      throw std::runtime_error("webhook-sink did not start: " + read(out_path_));
    }
  }
  ~sink_process() { stop(); }
  sink_process(const sink_process&) = delete;
  sink_process& operator=(const sink_process&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  /// SIGTERM and reap (SIGKILL after 10 s). Idempotent.
  void stop() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  /// Every complete request line logged so far, in arrival order.
  std::vector<json> requests() const {
    std::vector<json> out;
    std::ifstream in(log_path_);
    std::string line;
    while (std::getline(in, line)) {
      json j = json::parse(line, nullptr, false);
      if (!j.is_discarded()) // the last line may still be half written
        out.push_back(std::move(j));
    }
    return out;
  }

  /// Polls requests() until `done` holds; false after `timeout`.
  bool wait_for(const std::function<bool(const std::vector<json>&)>& done,
                std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (done(requests()))
        return true;
      if (std::chrono::steady_clock::now() >= until)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

private:
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  int wait_listening(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      const std::string out = read(out_path_);
      const auto at = out.find("listening on ");
      if (at != std::string::npos && out.find('\n', at) != std::string::npos)
        return std::stoi(out.substr(at + 13));
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  std::string log_path_;
  std::string out_path_;
  pid_t pid_ = -1;
  int port_ = -1;
};

} // namespace tocsin::sink
