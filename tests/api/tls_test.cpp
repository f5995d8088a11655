// The operator API over TLS: a self-signed certificate made with the openssl CLI; a client that
// trusts it gets answers, a plaintext client does not. Unreadable key files refuse to start.
#include "actors/engine_fixture.hpp"
#include "api/gateway.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace tocsin;
namespace pb = ::tocsin::v1;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace

TEST_CASE_METHOD(test::engine_fixture, "the operator API serves TLS when given a cert and key") {
  const auto cert = dir.sub("api.crt");
  const auto key = dir.sub("api.key");
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "
                          + key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  start();
  api::api_options opts;
  opts.listen = "127.0.0.1:0";
  opts.tls_cert = cert;
  opts.tls_key = key;
  opts.tenants = {{"acme", {"tls-token"}}};
  api::gateway gw;
  REQUIRE(gw.start(opts, *sys, eng->router(), *store).code == domain::errc::ok);
  const auto target = "127.0.0.1:" + std::to_string(gw.port());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = slurp(cert);
  auto stub = pb::IncidentService::NewStub(grpc::CreateChannel(target, grpc::SslCredentials(ssl)));
  pb::OpenIncidentRequest req;
  req.set_title("over tls");
  req.set_severity(pb::SEVERITY_INFO);
  pb::IncidentResponse resp;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer tls-token");
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{30});
  auto s = stub->Open(&ctx, req, &resp);
  INFO(s.error_message());
  CHECK(s.ok());

  auto plain = pb::IncidentService::NewStub(
    grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx2;
  ctx2.AddMetadata("authorization", "Bearer tls-token");
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{5});
  CHECK_FALSE(plain->Open(&ctx2, req, &resp).ok());
  gw.stop();
}

TEST_CASE_METHOD(test::engine_fixture, "the gateway refuses to start with unreadable TLS files") {
  start();
  api::api_options opts;
  opts.listen = "127.0.0.1:0";
  opts.tls_cert = dir.sub("missing.crt");
  opts.tls_key = dir.sub("missing.key");
  api::gateway gw;
  auto err = gw.start(opts, *sys, eng->router(), *store);
  CHECK(err.code == domain::errc::invalid_argument);
  CHECK_THAT(err.message, Catch::Contains("api.tls.cert"));
  CHECK(gw.port() == 0);
}
