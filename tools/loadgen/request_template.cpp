#include "request_template.hpp"

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

namespace tocsin::loadgen {
namespace {

namespace coltrace = opentelemetry::proto::collector::trace::v1;
namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
using attrs = google::protobuf::RepeatedPtrField<common::KeyValue>;

void str_attr(attrs* a, const std::string& key, const std::string& value) {
  auto* kv = a->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

void int_attr(attrs* a, const std::string& key, std::int64_t value) {
  auto* kv = a->Add();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

// What an instrumented HTTP server sets (semantic conventions), then Tocsin's exemplar ids, then
// fillers: the first `n` of these.
void span_attrs(attrs* a, std::uint32_t n, const std::string& name, bool error,
                std::mt19937_64& rng) {
  const auto route = name.substr(name.find(' ') + 1);
  std::uint32_t i = 0;
  auto s = [&](const char* k, const std::string& v) { if (i++ < n) str_attr(a, k, v); };
  auto d = [&](const char* k, std::int64_t v) { if (i++ < n) int_attr(a, k, v); };
  s("http.request.method", name.substr(0, name.find(' ')));
  s("http.route", route);
  d("http.response.status_code", error ? 500 : 200);
  s("url.scheme", "https");
  s("server.address", "checkout.internal");
  d("server.port", 8443);
  s("network.protocol.version", "1.1");
  s("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) tocsin-loadgen");
  s("artifact.id", "art-" + std::to_string(rng() % 1000));
  s("agent.id", "agent-" + std::to_string(rng() % 16));
  s("skill.id", "skill-" + std::to_string(rng() % 64));
  while (i < n)
    str_attr(a, "loadgen.attr." + std::to_string(i++), "value-" + std::to_string(rng() % 100));
}

std::string random_id(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  do {
    for (auto& c : s)
      c = static_cast<char>(rng());
  } while (s.find_first_not_of('\0') == std::string::npos); // all-zero ids are invalid
  return s;
}

std::uint64_t load_le(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

void store_le(char* p, std::uint64_t v) { std::memcpy(p, &v, 8); } // x86/ARM: little endian

// A cheap bijective mix: consecutive sends get unrelated-looking, distinct salts.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Spans within one request end this far apart, newest last.
constexpr std::uint64_t end_spacing_ns = 1'000;

} // namespace

request_template::request_template(const template_shape& shape) {
  std::mt19937_64 rng(shape.seed);
  coltrace::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  auto* res = rs->mutable_resource()->mutable_attributes();
  str_attr(res, "service.name", shape.service);
  str_attr(res, "service.instance.id", shape.service + "-" + std::to_string(shape.seed));
  str_attr(res, "telemetry.sdk.name", "tocsin-loadgen");
  str_attr(res, "telemetry.sdk.language", "cpp");
  if (!shape.tenant.empty())
    str_attr(res, "tenant.id", shape.tenant);
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("tocsin-loadgen");

  // Sentinel times: distinct, improbable 8-byte patterns that locate() finds in the encoding.
  std::vector<std::string> trace_ids, span_ids;
  std::vector<std::uint64_t> starts, ends;
  const double phase = static_cast<double>(shape.seed % 97) / 97.0;
  for (std::uint32_t i = 0; i < shape.spans; ++i) {
    auto* s = ss->add_spans();
    trace_ids.push_back(random_id(rng, 16));
    span_ids.push_back(random_id(rng, 8));
    starts.push_back(0x5eed'0000'0000'0000ull | (rng() & 0xffff'ffff'0000ull) | (2 * i));
    ends.push_back(starts.back() + 1);
    s->set_trace_id(trace_ids.back());
    s->set_span_id(span_ids.back());
    s->set_flags(0x301);
    const auto& name = shape.span_names[i % shape.span_names.size()];
    s->set_name(name);
    s->set_kind(trace::Span::SPAN_KIND_SERVER);
    s->set_start_time_unix_nano(starts.back());
    s->set_end_time_unix_nano(ends.back());
    // Exactly round(n * ratio) errors per request, spread evenly, offset per template.
    const bool error = std::floor((i + 1 + phase) * shape.error_ratio)
                       > std::floor((i + phase) * shape.error_ratio);
    span_attrs(s->mutable_attributes(), shape.attributes, name, error, rng);
    if (error) {
      s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
      ++errors_;
    }
  }
  if (!req.SerializeToString(&bytes_))
    throw std::runtime_error("cannot encode the request template");
  locate(trace_ids, span_ids, starts, ends);
  // Durations: mostly fast, a tail up to ~250 ms, so the latency histogram has a shape.
  for (auto& slot : slots_)
    slot.duration_ns = (rng() % 100 < 95 ? 1'000'000 + rng() % 40'000'000
                                         : 40'000'000 + rng() % 210'000'000);
  self_check();
}

void request_template::locate(const std::vector<std::string>& trace_ids,
                              const std::vector<std::string>& span_ids,
                              const std::vector<std::uint64_t>& starts,
                              const std::vector<std::uint64_t>& ends) {
  // Spans are encoded in order and their fields by field number (trace_id 1, span_id 2, start 7,
  // end 8), so each value is the next occurrence after the previous one.
  std::size_t at = 0;
  auto find = [&](const std::string& value) {
    at = bytes_.find(value, at);
    if (at == std::string::npos)
      throw std::runtime_error("request template: a span field was not found in the encoding");
    const auto found = static_cast<std::uint32_t>(at);
    at += value.size();
    return found;
  };
  auto le = [](std::uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  for (std::size_t i = 0; i < trace_ids.size(); ++i) {
    span_slot slot;
    slot.trace_id_at = find(trace_ids[i]);
    slot.span_id_at = find(span_ids[i]);
    slot.start_at = find(le(starts[i]));
    slot.end_at = find(le(ends[i]));
    slot.trace_hi = load_le(trace_ids[i].data());
    slot.span_id = load_le(span_ids[i].data());
    slots_.push_back(slot);
  }
}

void request_template::render(std::uint64_t seq, std::uint64_t now_ns, char* dst) const {
  std::memcpy(dst, bytes_.data(), bytes_.size());
  const std::uint64_t salt = mix(seq);
  const auto n = slots_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& s = slots_[i];
    auto trace_hi = s.trace_hi ^ salt;
    auto span_id = s.span_id ^ salt;
    // A zero half can still leave the 16-byte id valid, but a zero span id is invalid.
    span_id = span_id != 0 ? span_id : 1;
    store_le(dst + s.trace_id_at, trace_hi);
    store_le(dst + s.span_id_at, span_id);
    const std::uint64_t end = now_ns - (n - 1 - i) * end_spacing_ns;
    store_le(dst + s.start_at, end - s.duration_ns);
    store_le(dst + s.end_at, end);
  }
}

void request_template::self_check() const {
  std::string copy(bytes_.size(), '\0');
  const std::uint64_t now = 1'700'000'000'000'000'000ull;
  render(7, now, copy.data());
  coltrace::ExportTraceServiceRequest back;
  if (!back.ParseFromString(copy) || back.resource_spans_size() != 1)
    throw std::runtime_error("request template: a rendered request does not parse");
  const auto& spans = back.resource_spans(0).scope_spans(0).spans();
  if (static_cast<std::size_t>(spans.size()) != slots_.size())
    throw std::runtime_error("request template: span count changed");
  for (int i = 0; i < spans.size(); ++i) {
    const auto& s = spans[i];
    const auto& slot = slots_[static_cast<std::size_t>(i)];
    const bool ok = s.trace_id().size() == 16 && s.span_id().size() == 8
                    && load_le(s.trace_id().data()) == (slot.trace_hi ^ mix(7))
                    && s.end_time_unix_nano() <= now
                    && s.end_time_unix_nano() - s.start_time_unix_nano() == slot.duration_ns;
    if (!ok)
      throw std::runtime_error("request template: a rendered span does not read back");
  }
}

} // namespace tocsin::loadgen
