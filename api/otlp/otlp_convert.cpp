// Generated OTLP classes -> domain telemetry. Mirrors decode_{traces,metrics,logs}.cpp rule for
// rule (last attribute wins, id lengths, flags, unsupported point types); the tests hold them equal.
#include "api/otlp/otlp_convert.hpp"

#include "api/otlp/any_value.hpp"
#include "api/otlp/decode_support.hpp"

namespace tocsin::api::otlp {
namespace {

namespace common = opentelemetry::proto::common::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
using attributes = google::protobuf::RepeatedPtrField<common::KeyValue>;

constexpr std::uint32_t no_recorded_value = 1;

domain::error too_deep(std::string where) {
  return domain::make_error(domain::errc::invalid_argument,
                            "malformed OTLP request: " + where +
                              ": attribute value nested too deeply");
}

// Renders the attributes whose `slot(key)` is non-null; the last of a repeated key wins.
template <class Slot>
bool pick(const attributes& attrs, Slot slot) {
  for (const auto& kv : attrs) {
    std::string* target = slot(kv.key());
    if (target == nullptr)
      continue;
    if (kv.has_value()) {
      if (!render_value(kv.value(), *target))
        return false;
    } else {
      target->clear();
    }
  }
  return true;
}

bool identity(const opentelemetry::proto::resource::v1::Resource& res, resource_identity& id) {
  return pick(res.attributes(), [&](const std::string& key) -> std::string* {
    return key == "service.name" ? &id.service : key == "tenant.id" ? &id.tenant : nullptr;
  });
}

template <class Id>
bool copy_id(const std::string& bytes, Id& out) {
  return wire::copy_id(std::string_view(bytes), out);
}

domain::error bad_id(std::string where, const char* field, std::size_t want, std::size_t got) {
  return domain::make_error(domain::errc::invalid_argument,
                            "malformed OTLP request: " + where + "." + field + ": must be " +
                              std::to_string(want) + " bytes (or empty), got " +
                              std::to_string(got));
}

bool all_attributes(const attributes& attrs, domain::attribute_list& out) {
  for (const auto& kv : attrs) {
    out.emplace_back(kv.key(), std::string());
    if (kv.has_value() && !render_value(kv.value(), out.back().second))
      return false;
  }
  normalize(out);
  return true;
}

domain::temporality temporality_of(int v) {
  return v == 1 || v == 2 ? static_cast<domain::temporality>(v) : domain::temporality::unspecified;
}

} // namespace

domain::result<std::vector<domain::span_batch>>
from_proto(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& req) {
  std::vector<domain::span_batch> out;
  for (int r = 0; r < req.resource_spans_size(); ++r) {
    const auto& rs = req.resource_spans(r);
    auto& batch = out.emplace_back();
    resource_identity id;
    if (!identity(rs.resource(), id))
      return too_deep("resource_spans[" + std::to_string(r) + "].resource");
    batch.tenant_hint = id.tenant;
    for (int s = 0; s < rs.scope_spans_size(); ++s) {
      const auto& ss = rs.scope_spans(s);
      for (int i = 0; i < ss.spans_size(); ++i) {
        const auto& sp = ss.spans(i);
        auto where = [&] {
          return "resource_spans[" + std::to_string(r) + "].scope_spans[" + std::to_string(s) +
                 "].spans[" + std::to_string(i) + "]";
        };
        auto& rec = batch.spans.emplace_back();
        if (!copy_id(sp.trace_id(), rec.trace_id))
          return bad_id(where(), "trace_id", 16, sp.trace_id().size());
        if (!copy_id(sp.span_id(), rec.span_id))
          return bad_id(where(), "span_id", 8, sp.span_id().size());
        rec.service_name = id.service;
        rec.span_name = sp.name();
        rec.kind = sp.kind();
        rec.start_unix_nano = sp.start_time_unix_nano();
        rec.end_unix_nano = sp.end_time_unix_nano();
        rec.status_code = sp.status().code();
        bool ok = pick(sp.attributes(), [&](const std::string& key) -> std::string* {
          if (key == "artifact.id")
            return &rec.artifact_id;
          if (key == "agent.id")
            return &rec.agent_id;
          if (key == "skill.id")
            return &rec.skill_id;
          if (key == "feedback.category")
            return &rec.feedback_category;
          if (key == "feedback.sentiment")
            return &rec.feedback_sentiment;
          return nullptr;
        });
        if (!ok)
          return too_deep(where());
      }
    }
  }
  return out;
}

domain::result<std::vector<domain::metric_batch>>
from_proto(const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& req) {
  std::vector<domain::metric_batch> out;
  for (int r = 0; r < req.resource_metrics_size(); ++r) {
    const auto& rm = req.resource_metrics(r);
    auto& batch = out.emplace_back();
    resource_identity id;
    auto where = "resource_metrics[" + std::to_string(r) + "]";
    if (!identity(rm.resource(), id))
      return too_deep(where);
    batch.tenant_hint = id.tenant;
    batch.service_name = id.service;
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& m : sm.metrics()) {
        auto base = [&](domain::metric_kind kind, domain::temporality temp, bool monotonic) {
          auto& p = batch.points.emplace_back();
          p.name = m.name();
          p.kind = kind;
          p.temporality = temp;
          p.monotonic = monotonic;
          return &p;
        };
        auto number = [&](const metrics::NumberDataPoint& dp, domain::metric_point* p) {
          p->start_unix_nano = dp.start_time_unix_nano();
          p->time_unix_nano = dp.time_unix_nano();
          if (dp.value_case() == metrics::NumberDataPoint::kAsDouble)
            p->value = dp.as_double();
          else if (dp.value_case() == metrics::NumberDataPoint::kAsInt)
            p->value = static_cast<double>(dp.as_int());
          p->has_value = dp.value_case() != metrics::NumberDataPoint::VALUE_NOT_SET &&
                         !(dp.flags() & no_recorded_value);
          return all_attributes(dp.attributes(), p->attributes);
        };
        switch (m.data_case()) {
          case metrics::Metric::kGauge:
            for (const auto& dp : m.gauge().data_points())
              if (!number(dp, base(domain::metric_kind::gauge, domain::temporality::unspecified,
                                   false)))
                return too_deep(where);
            break;
          case metrics::Metric::kSum:
            for (const auto& dp : m.sum().data_points())
              if (!number(dp, base(domain::metric_kind::sum,
                                   temporality_of(m.sum().aggregation_temporality()),
                                   m.sum().is_monotonic())))
                return too_deep(where);
            break;
          case metrics::Metric::kHistogram:
            for (const auto& dp : m.histogram().data_points()) {
              auto* p = base(domain::metric_kind::histogram,
                             temporality_of(m.histogram().aggregation_temporality()), false);
              p->start_unix_nano = dp.start_time_unix_nano();
              p->time_unix_nano = dp.time_unix_nano();
              p->count = dp.count();
              p->has_sum = dp.has_sum();
              p->sum = dp.has_sum() ? dp.sum() : 0;
              p->bucket_counts.assign(dp.bucket_counts().begin(), dp.bucket_counts().end());
              p->bounds.assign(dp.explicit_bounds().begin(), dp.explicit_bounds().end());
              p->has_value = !(dp.flags() & no_recorded_value);
              if (!all_attributes(dp.attributes(), p->attributes))
                return too_deep(where);
            }
            break;
          case metrics::Metric::kExponentialHistogram:
            batch.unsupported_points += m.exponential_histogram().data_points_size();
            break;
          case metrics::Metric::kSummary:
            batch.unsupported_points += m.summary().data_points_size();
            break;
          case metrics::Metric::DATA_NOT_SET: break;
        }
      }
    }
  }
  return out;
}

domain::result<std::vector<domain::log_batch>>
from_proto(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& req) {
  std::vector<domain::log_batch> out;
  for (int r = 0; r < req.resource_logs_size(); ++r) {
    const auto& rl = req.resource_logs(r);
    auto& batch = out.emplace_back();
    resource_identity id;
    if (!identity(rl.resource(), id))
      return too_deep("resource_logs[" + std::to_string(r) + "].resource");
    batch.tenant_hint = id.tenant;
    for (int s = 0; s < rl.scope_logs_size(); ++s) {
      const auto& sl = rl.scope_logs(s);
      for (int i = 0; i < sl.log_records_size(); ++i) {
        const auto& lr = sl.log_records(i);
        auto where = [&] {
          return "resource_logs[" + std::to_string(r) + "].scope_logs[" + std::to_string(s) +
                 "].log_records[" + std::to_string(i) + "]";
        };
        auto& rec = batch.records.emplace_back();
        rec.service_name = id.service;
        rec.time_unix_nano = lr.time_unix_nano();
        rec.observed_unix_nano = lr.observed_time_unix_nano();
        rec.severity_number = lr.severity_number();
        rec.severity_text = lr.severity_text();
        if (!copy_id(lr.trace_id(), rec.trace_id))
          return bad_id(where(), "trace_id", 16, lr.trace_id().size());
        if (!copy_id(lr.span_id(), rec.span_id))
          return bad_id(where(), "span_id", 8, lr.span_id().size());
        if (lr.has_body() && !render_value(lr.body(), rec.body))
          return too_deep(where());
        bool ok = pick(lr.attributes(), [&](const std::string& key) -> std::string* {
          if (key == "feedback.category")
            return &rec.feedback_category;
          if (key == "feedback.sentiment")
            return &rec.feedback_sentiment;
          if (key == "log.record.uid")
            return &rec.record_uid;
          if (key == "artifact.id")
            return &rec.artifact_id;
          if (key == "agent.id")
            return &rec.agent_id;
          if (key == "skill.id")
            return &rec.skill_id;
          return nullptr;
        });
        if (!ok)
          return too_deep(where());
      }
    }
  }
  return out;
}

} // namespace tocsin::api::otlp
