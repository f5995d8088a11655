// tocsinctl's connection to the operator API: channel (plaintext or TLS), per-call context with
// token and deadline, and how a failed call is reported (one line, exit code 1). CLI-only code,
// single-threaded.
#pragma once

#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace tocsinctl {

namespace pb = ::tocsin::v1;

struct connection_options {
  std::string server = "127.0.0.1:7117";
  std::string token;
  std::string tenant;
  std::string ca_cert; // PEM file; set = TLS
  bool tls = false;
  double timeout_s = 10;
};

class client {
public:
  explicit client(const connection_options& opts);

  pb::IncidentService::Stub& incidents() { return *incidents_; }
  pb::AdminService::Stub& admin() { return *admin_; }
  pb::PolicyService::Stub& policies() { return *policies_; }
  pb::SloService::Stub& slos() { return *slos_; }
  pb::FeedbackService::Stub& feedback() { return *feedback_; }
  pb::SubscriptionService::Stub& subscriptions() { return *subscriptions_; }
  const connection_options& options() const { return opts_; }

  /// A context with the bearer token and, when `with_deadline`, the --timeout deadline.
  std::unique_ptr<grpc::ClientContext> context(bool with_deadline = true) const;

  /// Prints the one-line error for a failed call to stderr; returns the exit code (1).
  int report(const grpc::Status& status) const;

private:
  connection_options opts_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::IncidentService::Stub> incidents_;
  std::unique_ptr<pb::AdminService::Stub> admin_;
  std::unique_ptr<pb::PolicyService::Stub> policies_;
  std::unique_ptr<pb::SloService::Stub> slos_;
  std::unique_ptr<pb::FeedbackService::Stub> feedback_;
  std::unique_ptr<pb::SubscriptionService::Stub> subscriptions_;
};

/// Silences gRPC's own logging: a failed call must produce one line, not a stack of noise.
void quiet_grpc();

} // namespace tocsinctl
