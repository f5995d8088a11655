// End-to-end fixture for the operator API: a real tocsind on a temp data dir and a free loopback
// port, with tenant and service tokens (from files and an environment variable), driven by the
// real tocsinctl and by a C++ gRPC client. Test-only; one fixture per test case.
#pragma once

#include "cli_runner.hpp"
#include "process.hpp"
#include "support/temp_dir.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tocsin::e2e {

namespace pb = ::tocsin::v1;
using json = nlohmann::json;

// Token values the fixture configures; tests use them by name.
inline const std::string acme_token = "acme-e2e-token-7f3a";
inline const std::string globex_token = "globex-e2e-token-91c2";
inline const std::string reader_token = "acme-reader-token-55d0"; // incidents:read on acme
inline const std::string kp_token = "kp-token-0b8e";             // subscribe:feedback, all

struct api_daemon {
  test::temp_dir dir{"tocsin-e2e-api"};
  int port = 0;
  // OTLP receivers on free ports, unless extra_yaml has its own `otlp:` section (then 0).
  int otlp_grpc_port = 0;
  int otlp_http_port = 0;
  std::string config;
  std::unique_ptr<child_process> proc;
  int starts = 0;
  std::string ca_cert; // set when serving TLS: tocsinctl gets --ca-cert

  /// `tls`: a self-signed certificate for 127.0.0.1 is made with the openssl CLI.
  /// `extra_yaml` is appended to the generated tocsin.yaml (top-level sections, e.g. policies).
  explicit api_daemon(bool tls = false, const std::string& extra_yaml = {});
  ~api_daemon();

  /// Starts tocsind and waits until the API listens; REQUIREs success.
  void start();
  /// SIGTERM and wait for a clean exit (code 0).
  void stop();
  void restart() { stop(); start(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port); }

  /// Runs tocsinctl against this daemon with `token` (none if empty).
  cli_result ctl(const std::vector<std::string>& args, const std::string& token = acme_token) const;
  /// ctl with -o json; REQUIREs exit 0 and returns the parsed output.
  json ctl_json(const std::vector<std::string>& args, const std::string& token = acme_token) const;
  /// Opens an incident through tocsinctl; returns its id.
  std::string open(const std::string& title, const std::string& token = acme_token,
                   const std::string& severity = "high") const;

  std::unique_ptr<pb::IncidentService::Stub> stub() const;
};

/// A context with the token and a generous deadline.
std::unique_ptr<grpc::ClientContext> call_context(const std::string& token);

} // namespace tocsin::e2e
