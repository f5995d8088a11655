// Checking deliveries against a real HTTP receiver (tools/webhook-sink, a child process): where
// its binary is, how long to wait for a delivery, and the signature header value a receiver
// would verify. Test-only.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <string>

namespace tocsin::test {

/// Deliveries cross a child process and retry with backoff: wait a minute, not eventually()'s
/// default, before calling one lost.
constexpr std::chrono::seconds delivery_timeout{60};

inline std::string sink_binary() {
  return std::string(TOCSIN_BIN_DIR) + "/webhook-sink";
}

/// Lower-case hex HMAC-SHA256 of `body` under `key` (the part after "sha256=").
inline std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += digits[mac[i] >> 4];
    out += digits[mac[i] & 0xF];
  }
  return out;
}

} // namespace tocsin::test
