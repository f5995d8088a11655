// Corrupted OTLP requests (truncations, flipped and inserted bytes): the fast decoders refuse them
// or decode them, never crash (run under ASan/UBSan too); whatever the generated parser accepts,
// the fast decoder accepts with the same result.
#include "otlp_test_support.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/stubs/logging.h>

#include <cstdlib>

using namespace tocsin;
using namespace tocsin::otlp_test;

namespace {

struct tally {
  int both_ok = 0, both_refused = 0, only_fast_ok = 0;
};

// Runs one corrupted input through the fast decoder and the reference.
template <class Request, class Fast>
void compare(const std::string& wire, Fast fast_decode, tally& t) {
  auto fast = fast_decode(wire);
  auto ref = reference_decode<Request>(wire);
  if (ref.ok()) {
    // Accepted by protobuf and by the converter: the fast path must agree exactly.
    REQUIRE(fast.ok());
    REQUIRE(*fast == *ref);
    ++t.both_ok;
  } else if (fast.ok()) {
    // The fast path skips what it does not read (e.g. bad UTF-8 or framing inside a skipped field).
    ++t.only_fast_ok;
  } else {
    CHECK(fast.err().code == domain::errc::invalid_argument);
    CHECK_FALSE(fast.err().message.empty());
    ++t.both_refused;
  }
}

// TOCSIN_OTLP_FUZZ_SCALE=n multiplies the seeds (a longer run, e.g. under sanitizers).
int scale() {
  const char* s = std::getenv("TOCSIN_OTLP_FUZZ_SCALE");
  int n = s ? std::atoi(s) : 1;
  return n > 0 ? n : 1;
}

template <class Request, class Make, class Fast>
tally fuzz(Make make, Fast fast_decode, int seeds, int mutations_per_seed) {
  seeds *= scale();
  google::protobuf::LogSilencer quiet; // the generated parser logs every bad UTF-8 string
  tally t;
  for (int seed = 1; seed <= seeds; ++seed) {
    request_maker mk(static_cast<std::uint64_t>(seed));
    std::string wire = make(mk).SerializeAsString();
    INFO("seed " << seed << " size " << wire.size());
    // Every truncation.
    for (std::size_t n = 0; n < wire.size(); ++n)
      compare<Request>(wire.substr(0, n), fast_decode, t);
    // Random corruptions: flipped bits, random bytes, inserted and deleted bytes.
    for (int m = 0; m < mutations_per_seed && !wire.empty(); ++m) {
      std::string bad = wire;
      for (auto k = mk.below(3) + 1; k > 0; --k) {
        auto at = mk.below(bad.size());
        switch (mk.below(4)) {
          case 0: bad[at] = static_cast<char>(bad[at] ^ (1 << mk.below(8))); break;
          case 1: bad[at] = static_cast<char>(mk.below(256)); break;
          case 2: bad.insert(at, 1, static_cast<char>(mk.below(256))); break;
          default:
            if (bad.size() > 1)
              bad.erase(at, 1);
        }
      }
      compare<Request>(bad, fast_decode, t);
    }
  }
  return t;
}

} // namespace

TEST_CASE("corrupted trace requests are refused or decoded, never crash", "[otlp][fuzz]") {
  auto t = fuzz<coltrace::ExportTraceServiceRequest>(
    [](request_maker& mk) { return mk.traces(2, 4); },
    [](const std::string& w) { return api::otlp::decode_traces(w); }, 40, 2000);
  WARN("corrupted traces: both ok " << t.both_ok << ", both refused " << t.both_refused
                                    << ", only fast ok " << t.only_fast_ok);
  CHECK(t.both_refused > 0);
  CHECK(t.both_ok > 0);
}

TEST_CASE("corrupted metrics requests are refused or decoded, never crash", "[otlp][fuzz]") {
  auto t = fuzz<colmetrics::ExportMetricsServiceRequest>(
    [](request_maker& mk) { return mk.metrics(); },
    [](const std::string& w) { return api::otlp::decode_metrics(w); }, 25, 2000);
  CHECK(t.both_refused > 0);
  CHECK(t.both_ok > 0);
}

TEST_CASE("corrupted logs requests are refused or decoded, never crash", "[otlp][fuzz]") {
  auto t = fuzz<collogs::ExportLogsServiceRequest>(
    [](request_maker& mk) { return mk.logs(); },
    [](const std::string& w) { return api::otlp::decode_logs(w); }, 25, 2000);
  CHECK(t.both_refused > 0);
  CHECK(t.both_ok > 0);
}

TEST_CASE("deeply nested attribute values are refused, not recursed into", "[otlp][fuzz]") {
  coltrace::ExportTraceServiceRequest req;
  auto* kv = req.add_resource_spans()->add_scope_spans()->add_spans()->add_attributes();
  kv->set_key("artifact.id");
  auto* v = kv->mutable_value();
  for (int i = 0; i < 40; ++i)
    v = v->mutable_array_value()->add_values();
  v->set_string_value("deep");
  auto out = api::otlp::decode_traces(req.SerializeAsString());
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.err().message, Catch::Contains("nested too deeply"));
  auto ref = api::otlp::from_proto(req);
  CHECK_FALSE(ref.ok());
}
