// Fast OTLP logs decoding: ExportLogsServiceRequest wire bytes into log_batch, keeping what
// feedback and incident correlation use. Field numbers: opentelemetry/proto/{collector/,}logs/v1.
#include "api/otlp/any_value.hpp"
#include "api/otlp/decode_support.hpp"
#include "api/otlp/otlp_decode.hpp"

#include <climits>

namespace tocsin::api::otlp {
namespace {

using namespace wire;

std::string* log_attribute_slot(std::string_view key, domain::log_record& l) {
  if (key == "feedback.category")
    return &l.feedback_category;
  if (key == "feedback.sentiment")
    return &l.feedback_sentiment;
  if (key == "log.record.uid")
    return &l.record_uid;
  if (key == "artifact.id")
    return &l.artifact_id;
  if (key == "agent.id")
    return &l.agent_id;
  if (key == "skill.id")
    return &l.skill_id;
  return nullptr;
}

class log_decoder {
public:
  explicit log_decoder(std::string_view bytes) : r_(bytes.data(), bytes.size(), f_) {}

  domain::result<std::vector<domain::log_batch>> run() {
    std::vector<domain::log_batch> out;
    std::uint32_t t;
    while (r_.next(t)) {
      if (t == tag(1, len)) { // resource_logs
        out.emplace_back();
        if (!nested(out.back(), &log_decoder::resource_logs))
          break;
        ++rl_;
      } else if (!r_.skip(t)) {
        break;
      }
    }
    if (f_.failed())
      return describe(f_, "ExportLogsServiceRequest");
    return out;
  }

private:
  template <class T>
  bool nested(T& target, bool (log_decoder::*body)(T&)) {
    CodedInputStream::Limit saved;
    if (!r_.enter(saved) || !(this->*body)(target) || r_.failed())
      return false;
    r_.leave(saved);
    return true;
  }

  bool resource_logs(domain::log_batch& batch) {
    resource_identity id;
    sl_ = 0;
    std::uint32_t t;
    while (r_.next(t)) {
      bool ok = true;
      if (t == tag(1, len)) {
        ok = resource(r_, id);
      } else if (t == tag(2, len)) {
        ok = nested(batch, &log_decoder::scope_logs);
        ++sl_;
      } else {
        ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    batch.tenant_hint = std::move(id.tenant);
    for (auto& l : batch.records) // the resource may follow its records on the wire
      l.service_name = id.service;
    return true;
  }

  bool scope_logs(domain::log_batch& batch) {
    rec_ = 0;
    std::uint32_t t;
    while (r_.next(t)) {
      bool ok = true;
      if (t == tag(2, len)) { // log_records
        batch.records.emplace_back();
        ok = nested(batch.records.back(), &log_decoder::log_record);
        ++rec_;
      } else {
        ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    return true;
  }

  bool log_record(domain::log_record& l) {
    value_views body;
    std::uint32_t t;
    std::string_view v, trace_bytes, span_bytes; // ids are checked once the last occurrence is known
    while (r_.next(t)) {
      bool ok = true;
      switch (t) {
        case tag(1, i64): ok = r_.fixed64(l.time_unix_nano); break;
        case tag(11, i64): ok = r_.fixed64(l.observed_unix_nano); break;
        case tag(2, varint): ok = r_.i32v(l.severity_number); break;
        case tag(3, len):
          ok = r_.view(v);
          l.severity_text.assign(v);
          break;
        case tag(5, len): // body: kept as views, a repeated body merges
          ok = r_.view(v);
          body.add(v);
          break;
        case tag(6, len): ok = attribute(l); break;
        case tag(9, len): ok = r_.view(trace_bytes); break;
        case tag(10, len): ok = r_.view(span_bytes); break;
        default: ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    if (r_.failed())
      return false;
    if (!copy_id(trace_bytes, l.trace_id))
      return bad_id("trace_id", 16, trace_bytes.size());
    if (!copy_id(span_bytes, l.span_id))
      return bad_id("span_id", 8, span_bytes.size());
    return body.count == 0 || render_value(r_, body, l.body);
  }

  bool attribute(domain::log_record& l) {
    std::string_view kv, key;
    value_views vals;
    if (!r_.view(kv) || !read_key_value(r_, kv, key, vals))
      return false;
    std::string* slot = log_attribute_slot(key, l);
    return slot == nullptr || render_value(r_, vals, *slot);
  }

  bool bad_id(const char* field, std::size_t want, std::size_t got) {
    f_.detail = "resource_logs[" + std::to_string(rl_) + "].scope_logs[" + std::to_string(sl_) +
                "].log_records[" + std::to_string(rec_) + "]." + field + ": must be " +
                std::to_string(want) + " bytes (or empty), got " + std::to_string(got);
    return false;
  }

  failure f_;
  reader r_;
  std::size_t rl_ = 0, sl_ = 0, rec_ = 0; // position, for error messages
};

} // namespace

domain::result<std::vector<domain::log_batch>> decode_logs(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX))
    return domain::make_error(domain::errc::invalid_argument, "OTLP request larger than 2 GiB");
  return log_decoder(bytes).run();
}

} // namespace tocsin::api::otlp
