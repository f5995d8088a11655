#include "client.hpp"

#include <grpc/support/log.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tocsinctl {

namespace {

void no_log(gpr_log_func_args*) {}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// gRPC's transport messages are long ("failed to connect to all addresses; last error: ...");
// the operator needs the reason only.
std::string transport_reason(const std::string& message) {
  auto m = lower(message);
  for (const char* reason : {"connection refused", "connection reset", "no route to host",
                             "network is unreachable", "handshake failed", "timeout",
                             "dns resolution failed", "name or service not known"})
    if (m.find(reason) != std::string::npos)
      return reason;
  return "unavailable";
}

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "ERROR";
  }
}

bool is_transport_failure(const grpc::Status& s) {
  if (s.error_code() != grpc::StatusCode::UNAVAILABLE)
    return false;
  auto m = lower(s.error_message());
  return m.find("failed to connect") != std::string::npos
         || m.find("connection") != std::string::npos || m.find("dns") != std::string::npos
         || m.find("handshake") != std::string::npos || m.find("socket") != std::string::npos;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace

void quiet_grpc() {
  ::setenv("GRPC_VERBOSITY", "NONE", 1);
  ::setenv("GRPC_TRACE", "", 1);
  gpr_set_log_function(no_log);
}

client::client(const connection_options& opts) : opts_(opts) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (opts.tls || !opts.ca_cert.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!opts.ca_cert.empty())
      ssl.pem_root_certs = read_file(opts.ca_cert);
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  channel_ = grpc::CreateChannel(opts.server, creds);
  incidents_ = pb::IncidentService::NewStub(channel_);
  admin_ = pb::AdminService::NewStub(channel_);
  policies_ = pb::PolicyService::NewStub(channel_);
  slos_ = pb::SloService::NewStub(channel_);
  feedback_ = pb::FeedbackService::NewStub(channel_);
  subscriptions_ = pb::SubscriptionService::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> client::context(bool with_deadline) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!opts_.token.empty())
    ctx->AddMetadata("authorization", "Bearer " + opts_.token);
  if (with_deadline && opts_.timeout_s > 0)
    ctx->set_deadline(std::chrono::system_clock::now()
                      + std::chrono::milliseconds(static_cast<long>(opts_.timeout_s * 1000)));
  return ctx;
}

int client::report(const grpc::Status& status) const {
  if (is_transport_failure(status))
    std::fprintf(stderr, "tocsinctl: cannot reach %s: %s\n", opts_.server.c_str(),
                 transport_reason(status.error_message()).c_str());
  else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    std::fprintf(stderr, "tocsinctl: %s: no answer within %gs (DEADLINE_EXCEEDED)\n",
                 opts_.server.c_str(), opts_.timeout_s);
  else
    std::fprintf(stderr, "tocsinctl: %s: %s\n", code_name(status.error_code()),
                 status.error_message().c_str());
  return 1;
}

} // namespace tocsinctl
