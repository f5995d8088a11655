// Test-only builders of OTLP requests with the generated classes (seeded, so failures replay) and
// the reference decoding: the generated parser followed by otlp_convert.
#pragma once

#include "api/otlp/otlp_convert.hpp"
#include "api/otlp/otlp_decode.hpp"

#include <cstdint>
#include <random>
#include <string>

namespace tocsin::otlp_test {

namespace coltrace = opentelemetry::proto::collector::trace::v1;
namespace colmetrics = opentelemetry::proto::collector::metrics::v1;
namespace collogs = opentelemetry::proto::collector::logs::v1;
namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
namespace logs = opentelemetry::proto::logs::v1;

inline void set_str(common::KeyValue* kv, const std::string& key, const std::string& value) {
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

class request_maker {
public:
  explicit request_maker(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
  std::string word() {
    static const char* words[] = {"checkout", "GET /api/v1/users/{id}", "", "äöü-utf8",
                                  "a-rather-long-name-that-needs-the-heap", "x", "db.query"};
    return words[below(std::size(words))];
  }
  std::string bytes(std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s)
      c = static_cast<char>(below(256));
    return s;
  }

  /// A value of any kind, nested up to `depth` levels.
  void any(common::AnyValue* v, int depth) {
    switch (below(depth > 0 ? 8 : 6)) {
      case 0: v->set_string_value(word()); break;
      case 1: v->set_bool_value(chance(50)); break;
      case 2: v->set_int_value(static_cast<std::int64_t>(rng_())); break;
      case 3: v->set_double_value(static_cast<double>(below(1000000)) / 7.0); break;
      case 4: v->set_bytes_value(bytes(below(6))); break;
      case 5: break; // empty
      case 6:
        for (auto n = below(3); n > 0; --n)
          any(v->mutable_array_value()->add_values(), depth - 1);
        v->mutable_array_value(); // an empty array is still an array
        break;
      default:
        for (auto n = below(3); n > 0; --n) {
          auto* kv = v->mutable_kvlist_value()->add_values();
          kv->set_key(word());
          if (chance(80))
            any(kv->mutable_value(), depth - 1);
        }
        v->mutable_kvlist_value();
    }
  }

  /// Attributes with the engine's keys mixed into noise (some repeated: the last must win).
  void attributes(google::protobuf::RepeatedPtrField<common::KeyValue>* attrs, bool with_ids) {
    static const char* keys[] = {"artifact.id",       "agent.id",           "skill.id",
                                 "feedback.category", "feedback.sentiment", "log.record.uid",
                                 "http.method",       "http.status_code",   "net.peer.name"};
    for (auto n = below(8); n > 0; --n) {
      auto* kv = attrs->Add();
      kv->set_key(with_ids || chance(30) ? keys[below(std::size(keys))] : word());
      if (chance(95))
        any(kv->mutable_value(), 2);
    }
  }

  void resource(opentelemetry::proto::resource::v1::Resource* res) {
    if (chance(80))
      set_str(res->add_attributes(), "service.name", chance(50) ? "checkout" : word());
    if (chance(60))
      set_str(res->add_attributes(), "tenant.id", "t-" + std::to_string(below(5)));
    attributes(res->mutable_attributes(), false);
  }

  void span(trace::Span* s) {
    if (chance(97))
      s->set_trace_id(bytes(16));
    if (chance(97))
      s->set_span_id(bytes(8));
    if (chance(50))
      s->set_parent_span_id(bytes(8));
    s->set_name(word());
    s->set_kind(static_cast<trace::Span::SpanKind>(below(6)));
    s->set_start_time_unix_nano(1'700'000'000'000'000'000ull + below(1'000'000'000));
    s->set_end_time_unix_nano(s->start_time_unix_nano() + below(5'000'000'000ull));
    s->set_flags(static_cast<std::uint32_t>(below(512)));
    attributes(s->mutable_attributes(), true);
    if (chance(30)) {
      auto* e = s->add_events();
      e->set_name("exception");
      attributes(e->mutable_attributes(), false);
    }
    if (chance(20)) {
      auto* l = s->add_links();
      l->set_trace_id(bytes(16));
      l->set_span_id(bytes(8));
    }
    if (chance(70)) {
      s->mutable_status()->set_code(static_cast<trace::Status::StatusCode>(below(3)));
      s->mutable_status()->set_message(word());
    }
  }

  coltrace::ExportTraceServiceRequest traces(int max_resources = 3, int max_spans = 6) {
    coltrace::ExportTraceServiceRequest req;
    for (auto r = below(max_resources) + 1; r > 0; --r) {
      auto* rs = req.add_resource_spans();
      if (chance(90))
        resource(rs->mutable_resource());
      rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
      for (auto s = below(3); s > 0; --s) {
        auto* ss = rs->add_scope_spans();
        ss->mutable_scope()->set_name("io.opentelemetry.test");
        for (auto n = below(max_spans); n > 0; --n)
          span(ss->add_spans());
      }
    }
    return req;
  }

  void number_point(metrics::NumberDataPoint* p) {
    attributes(p->mutable_attributes(), false);
    p->set_start_time_unix_nano(1'700'000'000'000'000'000ull);
    p->set_time_unix_nano(1'700'000'000'000'000'000ull + below(1'000'000'000));
    if (chance(50))
      p->set_as_double(static_cast<double>(below(100000)) / 3.0);
    else if (chance(90))
      p->set_as_int(static_cast<std::int64_t>(below(1u << 30)) - (1 << 29));
    if (chance(10))
      p->set_flags(1);
  }

  colmetrics::ExportMetricsServiceRequest metrics() {
    colmetrics::ExportMetricsServiceRequest req;
    for (auto r = below(3) + 1; r > 0; --r) {
      auto* rm = req.add_resource_metrics();
      if (chance(90))
        resource(rm->mutable_resource());
      for (auto s = below(3); s > 0; --s) {
        auto* sm = rm->add_scope_metrics();
        for (auto n = below(5); n > 0; --n) {
          auto* m = sm->add_metrics();
          m->set_name(chance(50) ? "http.server.duration" : word());
          m->set_unit("ms");
          auto points = below(4);
          switch (below(5)) {
            case 0:
              for (auto i = points; i > 0; --i)
                number_point(m->mutable_gauge()->add_data_points());
              break;
            case 1:
              m->mutable_sum()->set_aggregation_temporality(
                static_cast<metrics::AggregationTemporality>(below(3)));
              m->mutable_sum()->set_is_monotonic(chance(50));
              for (auto i = points; i > 0; --i)
                number_point(m->mutable_sum()->add_data_points());
              break;
            case 2:
              m->mutable_histogram()->set_aggregation_temporality(
                static_cast<metrics::AggregationTemporality>(below(3)));
              for (auto i = points; i > 0; --i) {
                auto* p = m->mutable_histogram()->add_data_points();
                attributes(p->mutable_attributes(), false);
                p->set_time_unix_nano(1'700'000'000'000'000'000ull);
                p->set_count(below(1000));
                if (chance(70))
                  p->set_sum(static_cast<double>(below(100000)) / 9.0);
                for (double b : {5.0, 10.0, 25.0, 50.0})
                  p->add_explicit_bounds(b);
                for (int b = 0; b < 5; ++b)
                  p->add_bucket_counts(below(200));
                if (chance(10))
                  p->set_flags(1);
              }
              break;
            case 3:
              for (auto i = points; i > 0; --i)
                m->mutable_exponential_histogram()->add_data_points()->set_count(3);
              break;
            default:
              for (auto i = points; i > 0; --i)
                m->mutable_summary()->add_data_points()->set_count(2);
          }
        }
      }
    }
    return req;
  }

  collogs::ExportLogsServiceRequest logs() {
    collogs::ExportLogsServiceRequest req;
    for (auto r = below(3) + 1; r > 0; --r) {
      auto* rl = req.add_resource_logs();
      if (chance(90))
        resource(rl->mutable_resource());
      for (auto s = below(3); s > 0; --s) {
        auto* sl = rl->add_scope_logs();
        for (auto n = below(5); n > 0; --n) {
          auto* l = sl->add_log_records();
          l->set_time_unix_nano(1'700'000'000'000'000'000ull + below(1000));
          l->set_observed_time_unix_nano(1'700'000'000'000'000'000ull + below(2000));
          l->set_severity_number(static_cast<logs::SeverityNumber>(below(25)));
          l->set_severity_text(chance(50) ? "ERROR" : "INFO");
          if (chance(80))
            any(l->mutable_body(), 2);
          attributes(l->mutable_attributes(), true);
          if (chance(60))
            l->set_trace_id(bytes(16));
          if (chance(60))
            l->set_span_id(bytes(8));
        }
      }
    }
    return req;
  }

private:
  std::mt19937_64 rng_;
};

/// What the generated parser and the converter make of `bytes` (the reference for the fast path).
template <class Request>
auto reference_decode(const std::string& bytes) -> decltype(api::otlp::from_proto(Request{})) {
  Request req;
  if (!req.ParseFromString(bytes))
    return domain::make_error(domain::errc::invalid_argument, "generated parser refused");
  return api::otlp::from_proto(req);
}

} // namespace tocsin::otlp_test
