// Builders shared by the benchmarks that pre-serialize OTLP requests (otlp_decode_bench,
// ingest_bench): attributes and random ids. Benchmark-only; single-threaded set-up code.
#pragma once

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <cstdint>
#include <random>
#include <string>

namespace tocsin::bench::otlp_request {

using attributes =
  google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

inline void str_attr(attributes* attrs, const char* key, std::string value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(std::move(value));
}

inline void int_attr(attributes* attrs, const char* key, std::int64_t value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

/// `n` random bytes (trace and span ids) from `rng`.
inline std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(rng());
  return s;
}

} // namespace tocsin::bench::otlp_request
