#include "interop_support.hpp"

#include "support/eventually.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace tocsin::e2e {

std::optional<std::string> find_node() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = (dir.empty() ? std::string{"."} : dir) + "/node";
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

std::optional<std::string> interop_node(const std::string& sdk_package) {
  auto node = find_node();
  if (!node) {
    WARN("node is not installed: the OpenTelemetry JS interop test is skipped");
    return std::nullopt;
  }
  INFO("run tools/setup to install the JS SDK (npm ci in tests/interop)");
  REQUIRE(std::filesystem::exists(interop_dir + "/node_modules/" + sdk_package));
  return node;
}

bool eventually(const std::function<bool()>& probe, std::chrono::seconds limit) {
  return test::eventually(probe, limit, std::chrono::milliseconds{250});
}

std::string http_get(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return {};
  timeval tv{10, 0}; // a scrape is small; a stuck server must not hang the test
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL)
        == static_cast<ssize_t>(request.size())) {
      char buf[16384];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
        response.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  const auto body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || response.find(" 200 ") > response.find("\r\n")
      || body == std::string::npos)
    return {};
  return response.substr(body + 4);
}

double prom_sum(const std::string& text, const std::string& name, const std::string& label) {
  double sum = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size())
      continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ')
      continue; // another family sharing the prefix
    if (!label.empty() && line.find(label) == std::string::npos)
      continue;
    const auto space = line.rfind(' ');
    sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

std::set<std::string> error_trace_ids(const std::string& stdout_text) {
  std::set<std::string> ids;
  std::istringstream lines(stdout_text);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error_span"))
      ids.insert(j["error_span"]["trace_id"].get<std::string>());
  }
  return ids;
}

} // namespace tocsin::e2e
