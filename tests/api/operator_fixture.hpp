// Test fixture for the policy and delivery RPCs: a real engine on LMDB, the gateway wired to the
// engine's policy manager and to a fake delivery-stats function, and clients for two tenants,
// a policy reader without policy scopes and an admin service token. Test-only.
#pragma once

#include "actors/engine_fixture.hpp"
#include "actors/notifier.hpp"
#include "api/gateway.hpp"
#include "support/grpc_client.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::test {

namespace pb = ::tocsin::v1;

struct operator_fixture : engine_fixture {
  api::gateway gw;
  std::vector<actors::channel_stats> fake_stats;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::PolicyService::Stub> policies;
  std::unique_ptr<pb::AdminService::Stub> admin;

  explicit operator_fixture(bool wire_links = true) {
    start();
    api::api_options opts;
    opts.listen = "127.0.0.1:0";
    opts.tenants = {{"acme", {"acme-token"}}, {"globex", {"globex-token"}}};
    opts.service_tokens = {{"reader", "reader-token", {"incidents:read"}, {"acme"}},
                           {"ops", "ops-token", {"admin", "policy:read"}, {"*"}}};
    api::gateway_links links;
    if (wire_links) {
      links.policies = eng->policy_manager();
      links.delivery_stats = [this] { return fake_stats; };
    }
    REQUIRE(gw.start(opts, *sys, eng->router(), *store, std::move(links)).code
            == domain::errc::ok);
    channel = loopback_channel(gw.port());
    policies = pb::PolicyService::NewStub(channel);
    admin = pb::AdminService::NewStub(channel);
  }
  ~operator_fixture() { gw.stop(); }

  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& token) {
    return call_context(token);
  }
};

} // namespace tocsin::test
