// Settings of the operator gRPC API (listen address, TLS, tokens). Plain data without gRPC types:
// filled by config/ from tocsin.yaml, read by api::gateway at start. Token values are secrets:
// never log them.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::api {

struct tenant_tokens {
  std::string tenant;
  std::vector<std::string> tokens; // resolved values (from env or file), never logged
};

/// A token for a component rather than a tenant's operators, limited to explicit scopes.
struct service_token {
  std::string name;                 // logged and shown instead of the value
  std::string value;
  std::vector<std::string> scopes;  // "incidents:read", "incidents:write", "admin",
                                    // "subscribe:<topic>" (e.g. subscribe:feedback)
  std::vector<std::string> tenants; // tenants it may act for; "*" = all
};

/// Scopes a service token may carry (api/auth.hpp checks them), besides "subscribe:<topic>".
inline constexpr std::array<std::string_view, 9> service_scopes = {
  "incidents:read", "incidents:write", "admin",     "policy:read",    "policy:write",
  "slo:read",       "slo:write",       "telemetry:write", "feedback:read"};

struct api_options {
  std::string listen = "127.0.0.1:7117";
  std::string tls_cert; // PEM file paths; both empty = plaintext
  std::string tls_key;
  std::vector<tenant_tokens> tenants;
  std::vector<service_token> service_tokens;
  /// Dev mode: a call without a token acts for the request's `tenant` field or "default".
  /// Only sensible when no tokens are configured and the server listens on loopback.
  bool allow_anonymous = false;
};

} // namespace tocsin::api
