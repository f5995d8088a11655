// Fast OTLP metrics decoding: ExportMetricsServiceRequest wire bytes into metric_batch (gauges,
// sums, explicit-bucket histograms; exponential histograms and summaries are counted, not kept).
// Field numbers: opentelemetry/proto/{collector/,}metrics/v1.
#include "api/otlp/any_value.hpp"
#include "api/otlp/decode_support.hpp"
#include "api/otlp/otlp_decode.hpp"

#include <climits>

namespace tocsin::api::otlp {
namespace {

using namespace wire;

constexpr std::uint32_t no_recorded_value = 1; // DataPointFlags

// Metric.data oneof members, by field number.
constexpr int gauge_field = 5, sum_field = 7, histogram_field = 9, exp_histogram_field = 10,
              summary_field = 11;

class metric_decoder {
public:
  explicit metric_decoder(std::string_view bytes) : r_(bytes.data(), bytes.size(), f_) {}

  domain::result<std::vector<domain::metric_batch>> run() {
    std::vector<domain::metric_batch> out;
    std::uint32_t t;
    while (r_.next(t)) {
      if (t == tag(1, len)) { // resource_metrics
        out.emplace_back();
        if (!nested(out.back(), &metric_decoder::resource_metrics))
          break;
      } else if (!r_.skip(t)) {
        break;
      }
    }
    if (f_.failed())
      return describe(f_, "ExportMetricsServiceRequest");
    return out;
  }

private:
  // The state of the Metric being decoded: its name and data may come in any order, and a
  // change of oneof member discards the points of the previous member.
  struct metric_state {
    std::string name;
    int which = 0;
    std::size_t first = 0; // its first point in batch.points
    std::uint64_t unsupported = 0;
    domain::temporality temporality = domain::temporality::unspecified;
    bool monotonic = false;
  };

  // Decodes the length-delimited sub-message that follows with `body` (a loop over its fields).
  template <class T>
  bool nested(T& target, bool (metric_decoder::*body)(T&)) {
    CodedInputStream::Limit saved;
    if (!r_.enter(saved) || !(this->*body)(target) || r_.failed())
      return false;
    r_.leave(saved);
    return true;
  }

  bool resource_metrics(domain::metric_batch& batch) {
    resource_identity id;
    std::uint32_t t;
    while (r_.next(t)) {
      bool ok = t == tag(1, len)   ? resource(r_, id)
                : t == tag(2, len) ? nested(batch, &metric_decoder::scope_metrics)
                                   : r_.skip(t);
      if (!ok)
        return false;
    }
    batch.tenant_hint = std::move(id.tenant);
    batch.service_name = std::move(id.service);
    return true;
  }

  bool scope_metrics(domain::metric_batch& batch) {
    std::uint32_t t;
    while (r_.next(t)) {
      bool ok = t == tag(2, len) ? nested(batch, &metric_decoder::metric) : r_.skip(t);
      if (!ok)
        return false;
    }
    return true;
  }

  bool metric(domain::metric_batch& batch) {
    metric_state m;
    m.first = batch.points.size();
    batch_ = &batch;
    std::uint32_t t;
    std::string_view v;
    while (r_.next(t)) {
      int field = static_cast<int>(t >> 3);
      bool ok;
      if (t == tag(1, len)) {
        ok = r_.view(v);
        m.name.assign(v);
      } else if ((t & 7) == len && (field == gauge_field || field == sum_field ||
                                    field == histogram_field || field == exp_histogram_field ||
                                    field == summary_field)) {
        if (m.which != field) { // oneof member changed: the generated classes clear the old one
          batch.points.resize(m.first);
          m.unsupported = 0;
          m.temporality = domain::temporality::unspecified;
          m.monotonic = false;
          m.which = field;
        }
        ok = nested(m, &metric_decoder::data);
      } else {
        ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    auto kind = m.which == sum_field         ? domain::metric_kind::sum
                : m.which == histogram_field ? domain::metric_kind::histogram
                                             : domain::metric_kind::gauge;
    for (auto i = m.first; i < batch.points.size(); ++i) {
      auto& p = batch.points[i];
      p.name = m.name;
      p.kind = kind;
      p.temporality = m.temporality;
      p.monotonic = m.monotonic;
    }
    batch.unsupported_points += m.unsupported;
    return true;
  }

  // Gauge, Sum, Histogram, ExponentialHistogram or Summary: data_points = 1, temporality = 2,
  // is_monotonic = 3 (Sum only).
  bool data(metric_state& m) {
    std::uint32_t t;
    while (r_.next(t)) {
      bool ok;
      if (t == tag(1, len)) {
        if (m.which == exp_histogram_field || m.which == summary_field) {
          ++m.unsupported;
          ok = r_.skip(t);
        } else {
          batch_->points.emplace_back();
          ok = m.which == histogram_field
                 ? nested(batch_->points.back(), &metric_decoder::histogram_point)
                 : nested(batch_->points.back(), &metric_decoder::number_point);
        }
      } else if (t == tag(2, varint) && m.which != gauge_field && m.which != summary_field) {
        std::int32_t v = 0;
        ok = r_.i32v(v);
        m.temporality = static_cast<domain::temporality>(v == 1 || v == 2 ? v : 0);
      } else if (t == tag(3, varint) && m.which == sum_field) {
        std::uint64_t v = 0;
        ok = r_.u64(v);
        m.monotonic = v != 0;
      } else {
        ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    return true;
  }

  bool attribute(domain::metric_point& p) {
    std::string_view kv, key;
    value_views vals;
    if (!r_.view(kv) || !read_key_value(r_, kv, key, vals))
      return false;
    p.attributes.emplace_back(std::string(key), std::string());
    return render_value(r_, vals, p.attributes.back().second);
  }

  bool number_point(domain::metric_point& p) {
    std::uint32_t t, flags = 0;
    while (r_.next(t)) {
      bool ok;
      switch (t) {
        case tag(7, len): ok = attribute(p); break;
        case tag(2, i64): ok = r_.fixed64(p.start_unix_nano); break;
        case tag(3, i64): ok = r_.fixed64(p.time_unix_nano); break;
        case tag(4, i64): // as_double
          ok = r_.dbl(p.value);
          p.has_value = true;
          break;
        case tag(6, i64): { // as_int (sfixed64)
          std::uint64_t raw = 0;
          ok = r_.fixed64(raw);
          p.value = static_cast<double>(static_cast<std::int64_t>(raw));
          p.has_value = true;
          break;
        }
        case tag(8, varint): ok = flags_field(flags); break;
        default: ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    p.has_value = p.has_value && !(flags & no_recorded_value);
    normalize(p.attributes);
    return true;
  }

  bool histogram_point(domain::metric_point& p) {
    std::uint32_t t, flags = 0;
    while (r_.next(t)) {
      bool ok;
      switch (t) {
        case tag(9, len): ok = attribute(p); break;
        case tag(2, i64): ok = r_.fixed64(p.start_unix_nano); break;
        case tag(3, i64): ok = r_.fixed64(p.time_unix_nano); break;
        case tag(4, i64): ok = r_.fixed64(p.count); break;
        case tag(5, i64):
          ok = r_.dbl(p.sum);
          p.has_sum = true;
          break;
        case tag(6, len): ok = packed64(p.bucket_counts); break;
        case tag(6, i64): ok = r_.fixed64(p.bucket_counts.emplace_back()); break;
        case tag(7, len): ok = packed64(p.bounds); break;
        case tag(7, i64): ok = r_.dbl(p.bounds.emplace_back()); break;
        case tag(10, varint): ok = flags_field(flags); break;
        default: ok = r_.skip(t);
      }
      if (!ok)
        return false;
    }
    p.has_value = !(flags & no_recorded_value);
    normalize(p.attributes);
    return true;
  }

  bool flags_field(std::uint32_t& flags) {
    std::uint64_t v = 0;
    bool ok = r_.u64(v);
    flags = static_cast<std::uint32_t>(v);
    return ok;
  }

  // A packed repeated fixed64 or double field.
  template <class T>
  bool packed64(std::vector<T>& out) {
    std::string_view v;
    if (!r_.view(v))
      return false;
    if (v.size() % 8 != 0)
      return r_.fail("packed fixed64 field length is not a multiple of 8");
    if (v.empty()) // memcpy from/to null is undefined even for 0 bytes
      return true;
    auto at = out.size();
    out.resize(at + v.size() / 8);
    std::memcpy(out.data() + at, v.data(), v.size()); // the wire is little-endian, like x86/arm
    return true;
  }

  failure f_;
  reader r_;
  domain::metric_batch* batch_ = nullptr; // the batch whose Metric is being decoded
};

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "packed64 copies little-endian bytes");

} // namespace

domain::result<std::vector<domain::metric_batch>> decode_metrics(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX))
    return domain::make_error(domain::errc::invalid_argument, "OTLP request larger than 2 GiB");
  return metric_decoder(bytes).run();
}

} // namespace tocsin::api::otlp
