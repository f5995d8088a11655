#include "api_support.hpp"

#include "support/grpc_client.hpp"
#include "tools/webhook-sink/sink_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

#include <unistd.h>

namespace tocsin::e2e {

namespace {

using namespace std::chrono_literals;

const std::string tocsind_bin = TOCSIN_BIN_DIR "/tocsind";
const std::string tocsinctl_bin = TOCSIN_BIN_DIR "/tocsinctl";

} // namespace

api_daemon::api_daemon(bool tls, const std::string& extra_yaml) {
  port = sink::free_port(); // the kernel does not hand a just-closed port out again at once
  std::string tls_section;
  if (tls) {
    const auto cert = dir.sub("api.crt");
    const auto key = dir.sub("api.key");
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
                            " -addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert
                            + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    ca_cert = cert;
    tls_section = "  tls:\n    cert: " + cert + "\n    key: " + key + "\n";
  }
  // Never the default OTLP ports: another daemon on this machine may hold them.
  std::string otlp_section;
  if (extra_yaml.rfind("otlp:", 0) != 0 && extra_yaml.find("\notlp:") == std::string::npos) {
    otlp_grpc_port = sink::free_port();
    otlp_http_port = sink::free_port();
    otlp_section = "otlp:\n  grpc_listen: 127.0.0.1:" + std::to_string(otlp_grpc_port)
                   + "\n  http_listen: 127.0.0.1:" + std::to_string(otlp_http_port) + "\n";
  }
  write_file(dir.sub("acme.token"), acme_token + "\n");
  write_file(dir.sub("reader.token"), reader_token);
  write_file(dir.sub("kp.token"), kp_token + "\n");
  ::setenv("TOCSIN_E2E_GLOBEX_TOKEN", globex_token.c_str(), 1);
  config = write_file(dir.sub("tocsin.yaml"), R"(log:
  level: info
store:
  map_size: 256MiB
  partitions: 16
engine:
  passivate_after: 2s
api:
  listen: )" + address() + "\n" + tls_section + R"(  tenants:
    - id: acme
      tokens:
        - file: )" + dir.sub("acme.token") + R"(
    - id: globex
      tokens:
        - env: TOCSIN_E2E_GLOBEX_TOKEN
  service_tokens:
    - name: acme-reader
      token: {file: )" + dir.sub("reader.token") + R"(}
      scopes: [incidents:read]
      tenants: [acme]
    - name: knowledge-platform
      token: {file: )" + dir.sub("kp.token") + R"(}
      scopes: ["subscribe:feedback"]
      tenants: ["*"]
)" + otlp_section + extra_yaml);
}

api_daemon::~api_daemon() {
  if (proc) {
    proc->send_signal(SIGTERM);
    proc->wait_exit(30s);
  }
}

void api_daemon::start() {
  const auto log = dir.sub("tocsind-" + std::to_string(++starts) + ".log");
  proc = std::make_unique<child_process>(
    std::vector<std::string>{tocsind_bin, "--config", config, "--data-dir", dir.sub("data")}, log);
  const bool up = proc->wait_for_log("operator API listening", 60s)
                  && proc->wait_for_log("tocsind ready", 60s);
  INFO(proc->log());
  REQUIRE(up);
}

void api_daemon::stop() {
  REQUIRE(proc);
  proc->send_signal(SIGTERM);
  auto code = proc->wait_exit(60s);
  INFO(proc->log());
  REQUIRE(code);
  CHECK(*code == 0);
  // Secrets never reach the log.
  for (const auto& t : {acme_token, globex_token, reader_token, kp_token})
    CHECK(proc->log().find(t) == std::string::npos);
  proc.reset();
}

cli_result api_daemon::ctl(const std::vector<std::string>& args, const std::string& token) const {
  std::vector<std::string> argv{tocsinctl_bin};
  if (!ca_cert.empty()) {
    argv.push_back("--ca-cert");
    argv.push_back(ca_cert);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env{{"TOCSIN_SERVER", address()}, {"TOCSIN_TOKEN", token},
                                         {"TOCSIN_TENANT", ""}};
  return run_cli(argv, dir.path(), env);
}

json api_daemon::ctl_json(const std::vector<std::string>& args, const std::string& token) const {
  auto with_json = args;
  with_json.push_back("-o");
  with_json.push_back("json");
  auto r = ctl(with_json, token);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

std::string api_daemon::open(const std::string& title, const std::string& token,
                             const std::string& severity) const {
  auto j = ctl_json({"incident", "open", "--title", title, "--severity", severity}, token);
  return j["incident"]["id"].get<std::string>();
}

std::unique_ptr<pb::IncidentService::Stub> api_daemon::stub() const {
  return pb::IncidentService::NewStub(test::loopback_channel(port));
}

std::unique_ptr<grpc::ClientContext> call_context(const std::string& token) {
  return test::call_context(token, 60s); // a whole daemon on a loaded machine: more than 30 s
}

} // namespace tocsin::e2e
