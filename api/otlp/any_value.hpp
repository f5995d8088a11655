// Internal to api/otlp: the text form of OTLP attribute values (AnyValue), defined once for the
// wire decoder and for the generated-class converter so that both give identical series keys.
// Top level: a string as is, bool true/false, int decimal, double shortest round-trip (NaN,
// Infinity, -Infinity), bytes base64, empty "". Arrays and kvlists: compact JSON of the same.
// Pure functions; any thread.
#pragma once

#include "api/otlp/wire_reader.hpp"
#include "domain/telemetry.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace opentelemetry::proto::common::v1 {
class AnyValue;
}

namespace tocsin::api::otlp {

/// Deeper nesting of arrays/kvlists in one value is refused (bounded recursion).
constexpr int max_value_depth = 32;

/// Occurrences of one AnyValue field in wire order. Almost always one; a repeated occurrence
/// merges into the earlier ones (protobuf semantics), so all are kept.
struct value_views {
  std::string_view first;
  std::vector<std::string_view> more;
  int count = 0;
  void add(std::string_view v) {
    if (count++ == 0)
      first = v;
    else
      more.push_back(v);
  }
};

/// Splits a KeyValue's wire bytes (a view into `ctx`'s buffer) into its key (last occurrence) and
/// value occurrences; the value's content is not looked at. False on malformed framing.
bool read_key_value(wire::reader& ctx, std::string_view kv, std::string_view& key,
                    value_views& vals);

/// Renders the AnyValue occurrences `vals` (views into `ctx`'s buffer) into `out` (replaced).
/// False on malformed bytes or too deep nesting; the failure is recorded in ctx.
bool render_value(wire::reader& ctx, const value_views& vals, std::string& out);

/// The same rendering from a generated message; false only for too deep nesting.
bool render_value(const opentelemetry::proto::common::v1::AnyValue& v, std::string& out);

/// Sorts by key; of duplicate keys the last one (in input order) stays.
void normalize(domain::attribute_list& attrs);

} // namespace tocsin::api::otlp
