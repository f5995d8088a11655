// The client side of in-process gRPC tests: a plaintext channel to a server on a loopback port,
// and a call context carrying a bearer token with a generous deadline (a loaded machine must not
// turn a slow call into a failure). Test-only.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

namespace tocsin::test {

inline std::shared_ptr<grpc::Channel> loopback_channel(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

/// `token` as "authorization: Bearer <token>" (no header when empty: an anonymous call).
inline std::unique_ptr<grpc::ClientContext>
call_context(const std::string& token = {},
             std::chrono::seconds deadline = std::chrono::seconds{30}) {
  auto c = std::make_unique<grpc::ClientContext>();
  if (!token.empty())
    c->AddMetadata("authorization", "Bearer " + token);
  c->set_deadline(std::chrono::system_clock::now() + deadline);
  return c;
}

} // namespace tocsin::test
