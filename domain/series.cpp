// Series keys: names, constructors, canonical encoding and hash.
#include "domain/series.hpp"

#include <algorithm>
#include <tuple>

namespace tocsin::domain {
namespace {

constexpr std::string_view series_kind_names[] = {"span", "metric", "log"};
constexpr std::string_view span_kind_names[] = {"unspecified", "internal", "server",
                                                "client",      "producer", "consumer"};
constexpr std::string_view log_level_names[] = {"unspecified", "trace", "debug", "info",
                                                "warn",        "error", "fatal"};

template <class E, std::size_t N>
std::optional<E> parse_name(const std::string_view (&names)[N], std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

auto tie(const series_key& k) {
  return std::tie(k.kind, k.tenant, k.service, k.name, k.span, k.level, k.attributes);
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Length prefix so that ("ab","c") and ("a","bc") never encode alike.
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

} // namespace

std::string_view to_string(series_kind v) { return series_kind_names[static_cast<int>(v)]; }
std::string_view span_kind_name(span_kind_number v) {
  return v >= 0 && v < 6 ? span_kind_names[v] : "unknown";
}
std::string_view to_string(log_level v) { return log_level_names[static_cast<int>(v)]; }
std::optional<series_kind> parse_series_kind(std::string_view s) {
  return parse_name<series_kind>(series_kind_names, s);
}
std::optional<span_kind_number> parse_span_kind(std::string_view s) {
  return parse_name<span_kind_number>(span_kind_names, s);
}
std::optional<log_level> parse_log_level(std::string_view s) {
  return parse_name<log_level>(log_level_names, s);
}

log_level level_of(int n) {
  if (n < 1 || n > 24) return log_level::unspecified;
  return static_cast<log_level>(1 + (n - 1) / 4);
}

bool operator==(const series_key& a, const series_key& b) { return tie(a) == tie(b); }
bool operator<(const series_key& a, const series_key& b) { return tie(a) < tie(b); }

series_key span_series(std::string tenant, std::string service, std::string span_name,
                       span_kind_number kind) {
  series_key k;
  k.kind = series_kind::span;
  k.tenant = std::move(tenant);
  k.service = std::move(service);
  k.name = std::move(span_name);
  k.span = kind;
  return k;
}

series_key metric_series(std::string tenant, std::string metric_name, attribute_set attributes) {
  std::sort(attributes.begin(), attributes.end());
  // Sorted by (key, value): keeping the last of equal keys keeps the greatest value.
  attribute_set unique;
  for (auto& kv : attributes) {
    if (!unique.empty() && unique.back().first == kv.first)
      unique.back() = std::move(kv);
    else
      unique.push_back(std::move(kv));
  }
  series_key k;
  k.kind = series_kind::metric;
  k.tenant = std::move(tenant);
  k.name = std::move(metric_name);
  k.attributes = std::move(unique);
  return k;
}

series_key log_series(std::string tenant, std::string service, log_level level) {
  series_key k;
  k.kind = series_kind::log;
  k.tenant = std::move(tenant);
  k.service = std::move(service);
  k.level = level;
  return k;
}

std::string canonical_encoding(const series_key& k) {
  std::string out;
  out.push_back(static_cast<char>(k.kind));
  put_str(out, k.tenant);
  switch (k.kind) {
  case series_kind::span:
    put_str(out, k.service);
    put_str(out, k.name);
    put_u32(out, static_cast<std::uint32_t>(k.span));
    break;
  case series_kind::metric:
    put_str(out, k.name);
    put_u32(out, static_cast<std::uint32_t>(k.attributes.size()));
    for (const auto& [key, value] : k.attributes) {
      put_str(out, key);
      put_str(out, value);
    }
    break;
  case series_kind::log:
    put_str(out, k.service);
    out.push_back(static_cast<char>(k.level));
    break;
  }
  return out;
}

std::uint64_t series_hash(const series_key& k) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : canonical_encoding(k)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::uint32_t shard_of(const series_key& k, std::uint32_t shards) {
  return static_cast<std::uint32_t>(series_hash(k) % (shards == 0 ? 1 : shards));
}

std::string describe(const series_key& k) {
  std::string out{to_string(k.kind)};
  out += ':' + k.tenant + '/';
  switch (k.kind) {
  case series_kind::span:
    out += k.service + "/\"" + k.name + "\"/" + std::string(span_kind_name(k.span));
    break;
  case series_kind::metric:
    out += k.name + '{';
    for (std::size_t i = 0; i < k.attributes.size(); ++i)
      out += (i ? "," : "") + k.attributes[i].first + '=' + k.attributes[i].second;
    out += '}';
    break;
  case series_kind::log:
    out += k.service + '/' + std::string(to_string(k.level));
    break;
  }
  return out;
}

} // namespace tocsin::domain
