// OTLP dead letters: a refused request (malformed, or for an unknown tenant) kept in LMDB
// (kv_db::dead_letters, key "otlp/<ULID>") with its envelope, so an operator can inspect it and
// replay it once the cause is fixed. Stored value: the envelope as one line of compact JSON,
// '\n', then the payload bytes as the receiver decoded them from the transport (gzip undone).
// Pure encoding plus a key generator; any thread.
#pragma once

#include "api/auth.hpp"
#include "domain/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::api {

inline constexpr std::string_view otlp_dead_letter_prefix = "otlp/";

struct otlp_envelope {
  std::string tenant;    // as far as known when refused; "" when the payload named none
  principal caller;      // who sent it (never the token): replay resolves tenants the same way
  std::string receiver;  // "grpc" | "http"
  std::string signal;    // "traces" | "metrics" | "logs"
  std::string content_type;     // "application/x-protobuf" | "application/json"
  std::string content_encoding; // as sent: "gzip" or ""
  domain::timestamp received_at = 0;
  std::string reason;     // "malformed" | "unknown_tenant"
  std::string last_error; // the decoder's or tenant check's message
  std::uint32_t attempts = 1; // the original request, then one per replay
  domain::timestamp last_attempt_at = 0;
  std::uint64_t size = 0; // payload bytes
};

/// The stored value: envelope JSON line, '\n', payload.
std::string encode_otlp_dead_letter(const otlp_envelope& env, std::string_view payload);

struct decoded_otlp_dead_letter {
  otlp_envelope env;
  std::string_view payload; // into the decoded value
  std::string_view envelope_json;
};

/// Splits and reads a stored value; nullopt when it is not an OTLP dead letter.
std::optional<decoded_otlp_dead_letter> decode_otlp_dead_letter(std::string_view value);

/// "otlp/<ULID>": time-ordered, so listing shows the oldest first. Thread-safe.
std::string new_otlp_dead_letter_key(domain::timestamp now);

} // namespace tocsin::api
