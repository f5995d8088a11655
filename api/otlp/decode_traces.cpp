// Fast OTLP trace decoding: ExportTraceServiceRequest wire bytes straight into span_batch, reading
// the fields the engine uses and skipping the rest by length (no generated classes, no copies of
// skipped data). Field numbers: opentelemetry/proto/{collector/,}trace/v1, common/v1, resource/v1.
#include "api/otlp/any_value.hpp"
#include "api/otlp/decode_support.hpp"
#include "api/otlp/otlp_decode.hpp"

#include <climits>

namespace tocsin::api::otlp {
namespace {

using namespace wire;

// Span attributes the engine keeps (span_record fields).
std::string* span_attribute_slot(std::string_view key, domain::span_record& s) {
  switch (key.size()) {
    case 8:
      if (key == "agent.id")
        return &s.agent_id;
      if (key == "skill.id")
        return &s.skill_id;
      return nullptr;
    case 11: return key == "artifact.id" ? &s.artifact_id : nullptr;
    case 17: return key == "feedback.category" ? &s.feedback_category : nullptr;
    case 18: return key == "feedback.sentiment" ? &s.feedback_sentiment : nullptr;
    default: return nullptr;
  }
}

class trace_decoder {
public:
  explicit trace_decoder(std::string_view bytes) : r_(bytes.data(), bytes.size(), f_) {}

  domain::result<std::vector<domain::span_batch>> run() {
    std::vector<domain::span_batch> out;
    std::uint32_t t;
    while (r_.next(t)) {
      if (t == tag(1, len)) { // resource_spans
        out.emplace_back();
        if (!resource_spans(out.back()))
          break;
        ++rs_;
      } else if (!r_.skip(t)) {
        break;
      }
    }
    if (f_.failed())
      return describe(f_, "ExportTraceServiceRequest");
    return out;
  }

private:
  bool resource_spans(domain::span_batch& batch) {
    CodedInputStream::Limit saved;
    if (!r_.enter(saved))
      return false;
    resource_identity id;
    ss_ = 0;
    std::uint32_t t;
    while (r_.next(t)) {
      bool ok;
      if (t == tag(1, len)) {
        ok = resource(r_, id);
      } else if (t == tag(2, len)) {
        ok = scope_spans(batch);
        ++ss_;
      } else {
        ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    if (r_.failed())
      return false;
    r_.leave(saved);
    // The resource may follow its spans on the wire: fill the service name in afterwards.
    batch.tenant_hint = std::move(id.tenant);
    for (auto& s : batch.spans)
      s.service_name = id.service;
    return true;
  }

  bool scope_spans(domain::span_batch& batch) {
    CodedInputStream::Limit saved;
    if (!r_.enter(saved))
      return false;
    span_ = 0;
    std::uint32_t t;
    while (r_.next(t)) {
      if (t == tag(2, len)) { // spans
        batch.spans.emplace_back();
        if (!span(batch.spans.back()))
          return false;
        ++span_;
      } else if (!r_.skip(t)) {
        return false;
      }
    }
    if (r_.failed())
      return false;
    r_.leave(saved);
    return true;
  }

  bool span(domain::span_record& s) {
    CodedInputStream::Limit saved;
    if (!r_.enter(saved))
      return false;
    std::uint32_t t;
    std::string_view v, trace_bytes, span_bytes; // ids are checked once the last occurrence is known
    while (r_.next(t)) {
      switch (t) {
        case tag(1, len): // trace_id
          if (!r_.view(trace_bytes))
            return false;
          break;
        case tag(2, len): // span_id
          if (!r_.view(span_bytes))
            return false;
          break;
        case tag(5, len): // name
          if (!r_.view(v))
            return false;
          s.span_name.assign(v);
          break;
        case tag(6, varint): // kind
          if (!r_.i32v(s.kind))
            return false;
          break;
        case tag(7, i64): // start_time_unix_nano
          if (!r_.fixed64(s.start_unix_nano))
            return false;
          break;
        case tag(8, i64): // end_time_unix_nano
          if (!r_.fixed64(s.end_unix_nano))
            return false;
          break;
        case tag(9, len): // attributes
          if (!r_.view(v) || !attribute(v, s))
            return false;
          break;
        case tag(15, len): // status
          if (!status(s))
            return false;
          break;
        default:
          if (!r_.skip(t))
            return false;
      }
    }
    if (r_.failed())
      return false;
    if (!copy_id(trace_bytes, s.trace_id))
      return bad_id("trace_id", 16, trace_bytes.size());
    if (!copy_id(span_bytes, s.span_id))
      return bad_id("span_id", 8, span_bytes.size());
    r_.leave(saved);
    return true;
  }

  bool attribute(std::string_view kv, domain::span_record& s) {
    std::string_view key;
    value_views vals;
    if (!read_key_value(r_, kv, key, vals))
      return false;
    std::string* slot = span_attribute_slot(key, s);
    return slot == nullptr || render_value(r_, vals, *slot);
  }

  bool status(domain::span_record& s) {
    CodedInputStream::Limit saved;
    if (!r_.enter(saved))
      return false;
    std::uint32_t t;
    while (r_.next(t)) {
      if (t == tag(3, varint)) { // code
        if (!r_.i32v(s.status_code))
          return false;
      } else if (!r_.skip(t)) {
        return false;
      }
    }
    if (r_.failed())
      return false;
    r_.leave(saved);
    return true;
  }

  bool bad_id(const char* field, std::size_t want, std::size_t got) {
    f_.detail = "resource_spans[" + std::to_string(rs_) + "].scope_spans[" + std::to_string(ss_) +
                "].spans[" + std::to_string(span_) + "]." + field + ": must be " +
                std::to_string(want) + " bytes (or empty), got " + std::to_string(got);
    return false;
  }

  failure f_;
  reader r_;
  std::size_t rs_ = 0, ss_ = 0, span_ = 0; // position, for error messages
};

} // namespace

domain::result<std::vector<domain::span_batch>> decode_traces(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX))
    return domain::make_error(domain::errc::invalid_argument, "OTLP request larger than 2 GiB");
  return trace_decoder(bytes).run();
}

} // namespace tocsin::api::otlp
