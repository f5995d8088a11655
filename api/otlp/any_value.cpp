// The text form of OTLP attribute values, from wire bytes and from generated messages (the rules
// are in any_value.hpp). Both renderers must stay in lock-step: the tests compare them.
#include "api/otlp/any_value.hpp"

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tocsin::api::otlp {
namespace {

using namespace wire;
namespace pb = opentelemetry::proto::common::v1;

void append_double(std::string& out, double d, bool nested) {
  if (std::isnan(d) || std::isinf(d)) {
    const char* word = std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    if (nested)
      out.append("\"").append(word).append("\"");
    else
      out.append(word);
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, res.ptr);
}

void append_int(std::string& out, std::int64_t i) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, res.ptr);
}

void append_base64(std::string& out, std::string_view in) {
  static constexpr char digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t n = std::uint8_t(in[i]) << 16 | std::uint8_t(in[i + 1]) << 8 |
                      std::uint8_t(in[i + 2]);
    out += digits[n >> 18];
    out += digits[(n >> 12) & 63];
    out += digits[(n >> 6) & 63];
    out += digits[n & 63];
  }
  if (std::size_t rest = in.size() - i) {
    std::uint32_t n = std::uint8_t(in[i]) << 16 | (rest == 2 ? std::uint8_t(in[i + 1]) << 8 : 0);
    out += digits[n >> 18];
    out += digits[(n >> 12) & 63];
    out += rest == 2 ? digits[(n >> 6) & 63] : '=';
    out += '=';
  }
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out.append("\\u00");
      out += hex[(c >> 4) & 0xf];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_string(std::string& out, std::string_view s, bool nested) {
  if (nested)
    append_json_string(out, s);
  else
    out.append(s);
}

void append_bytes(std::string& out, std::string_view s, bool nested) {
  if (nested)
    out += '"';
  append_base64(out, s);
  if (nested)
    out += '"';
}

void append_joined(std::string& out, const std::vector<std::string>& items, char open,
                   char close) {
  out += open;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i)
      out += ',';
    out += items[i];
  }
  out += close;
}

// --- from wire bytes ---------------------------------------------------------------------------

// One AnyValue being decoded: the oneof case seen last and its value. Arrays and kvlists keep
// their rendered items so that a repeated occurrence of the same case appends (protobuf merge).
struct any_state {
  int which = 0; // AnyValue field number of the oneof member, 0 = empty
  std::string_view text;
  bool flag = false;
  std::int64_t integer = 0;
  double number = 0;
  std::vector<std::string> items;
};

bool feed(reader& ctx, std::string_view bytes, any_state& st, int depth);

void finish(const any_state& st, std::string& out, bool nested) {
  switch (st.which) {
    case 1: append_string(out, st.text, nested); break;
    case 2: out.append(st.flag ? "true" : "false"); break;
    case 3: append_int(out, st.integer); break;
    case 4: append_double(out, st.number, nested); break;
    case 5: append_joined(out, st.items, '[', ']'); break;
    case 6: append_joined(out, st.items, '{', '}'); break;
    case 7: append_bytes(out, st.text, nested); break;
    default:
      if (nested)
        out.append("null");
  }
}

bool render_nested(reader& ctx, const value_views& vals, std::string& out, int depth) {
  any_state st;
  if (vals.count > 0 && !feed(ctx, vals.first, st, depth))
    return false;
  for (auto v : vals.more)
    if (!feed(ctx, v, st, depth))
      return false;
  finish(st, out, depth > 0);
  return true;
}

bool feed_array(reader& ctx, std::string_view bytes, any_state& st, int depth) {
  reader r(ctx, bytes);
  std::uint32_t t;
  while (r.next(t)) {
    if (t == tag(1, len)) {
      value_views elem;
      std::string_view v;
      if (!r.view(v))
        return false;
      elem.add(v);
      std::string item;
      if (!render_nested(r, elem, item, depth + 1))
        return false;
      st.items.push_back(std::move(item));
    } else if (!r.skip(t)) {
      return false;
    }
  }
  return !r.failed();
}

bool feed_kvlist(reader& ctx, std::string_view bytes, any_state& st, int depth) {
  reader r(ctx, bytes);
  std::uint32_t t;
  while (r.next(t)) {
    if (t == tag(1, len)) {
      std::string_view kv, key;
      value_views vals;
      if (!r.view(kv) || !read_key_value(r, kv, key, vals))
        return false;
      std::string item;
      append_json_string(item, key);
      item += ':';
      if (!render_nested(r, vals, item, depth + 1))
        return false;
      st.items.push_back(std::move(item));
    } else if (!r.skip(t)) {
      return false;
    }
  }
  return !r.failed();
}

bool feed(reader& ctx, std::string_view bytes, any_state& st, int depth) {
  if (depth > max_value_depth)
    return ctx.fail("attribute value nested too deeply");
  reader r(ctx, bytes);
  std::uint32_t t;
  while (r.next(t)) {
    switch (t) {
      case tag(1, len):
      case tag(7, len):
        st.which = static_cast<int>(t >> 3);
        if (!r.view(st.text))
          return false;
        break;
      case tag(2, varint): {
        std::uint64_t v;
        if (!r.u64(v))
          return false;
        st.which = 2;
        st.flag = v != 0;
        break;
      }
      case tag(3, varint): {
        std::uint64_t v;
        if (!r.u64(v))
          return false;
        st.which = 3;
        st.integer = static_cast<std::int64_t>(v);
        break;
      }
      case tag(4, i64):
        st.which = 4;
        if (!r.dbl(st.number))
          return false;
        break;
      case tag(5, len):
      case tag(6, len): {
        int which = static_cast<int>(t >> 3);
        if (st.which != which)
          st.items.clear();
        st.which = which;
        std::string_view v;
        if (!r.view(v))
          return false;
        if (!(which == 5 ? feed_array(r, v, st, depth) : feed_kvlist(r, v, st, depth)))
          return false;
        break;
      }
      default:
        if (!r.skip(t))
          return false;
    }
  }
  return !r.failed();
}

// --- from generated messages -------------------------------------------------------------------

bool render_pb(const pb::AnyValue& v, std::string& out, int depth) {
  if (depth > max_value_depth)
    return false;
  bool nested = depth > 0;
  switch (v.value_case()) {
    case pb::AnyValue::kStringValue: append_string(out, v.string_value(), nested); break;
    case pb::AnyValue::kBoolValue: out.append(v.bool_value() ? "true" : "false"); break;
    case pb::AnyValue::kIntValue: append_int(out, v.int_value()); break;
    case pb::AnyValue::kDoubleValue: append_double(out, v.double_value(), nested); break;
    case pb::AnyValue::kBytesValue: append_bytes(out, v.bytes_value(), nested); break;
    case pb::AnyValue::kArrayValue: {
      out += '[';
      bool first = true;
      for (const auto& e : v.array_value().values()) {
        if (!first)
          out += ',';
        first = false;
        if (!render_pb(e, out, depth + 1))
          return false;
      }
      out += ']';
      break;
    }
    case pb::AnyValue::kKvlistValue: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.kvlist_value().values()) {
        if (!first)
          out += ',';
        first = false;
        append_json_string(out, kv.key());
        out += ':';
        if (!kv.has_value())
          out.append("null");
        else if (!render_pb(kv.value(), out, depth + 1))
          return false;
      }
      out += '}';
      break;
    }
    case pb::AnyValue::VALUE_NOT_SET:
      if (nested)
        out.append("null");
  }
  return true;
}

} // namespace

bool read_key_value(reader& ctx, std::string_view kv, std::string_view& key, value_views& vals) {
  reader r(ctx, kv);
  std::uint32_t t;
  while (r.next(t)) {
    if (t == tag(1, len)) {
      if (!r.view(key))
        return false;
    } else if (t == tag(2, len)) {
      std::string_view v;
      if (!r.view(v))
        return false;
      vals.add(v);
    } else if (!r.skip(t)) {
      return false;
    }
  }
  return !r.failed();
}

bool render_value(reader& ctx, const value_views& vals, std::string& out) {
  out.clear();
  // Fast path: a single plain string (ids, names) needs no state.
  if (vals.count == 1 && vals.first.size() >= 1 &&
      static_cast<std::uint8_t>(vals.first[0]) == tag(1, len)) {
    reader r(ctx, vals.first);
    std::uint32_t t;
    std::string_view s;
    if (r.next(t) && r.view(s) && !r.next(t) && !r.failed()) {
      out.assign(s);
      return true;
    }
    if (r.failed())
      return false;
  }
  return render_nested(ctx, vals, out, 0);
}

bool render_value(const pb::AnyValue& v, std::string& out) {
  out.clear();
  return render_pb(v, out, 0);
}

void normalize(domain::attribute_list& attrs) {
  std::stable_sort(attrs.begin(), attrs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the last of each run of equal keys.
  auto out = attrs.begin();
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    auto next = it + 1;
    if (next != attrs.end() && next->first == it->first)
      continue;
    if (out != it)
      *out = std::move(*it);
    ++out;
  }
  attrs.erase(out, attrs.end());
}

} // namespace tocsin::api::otlp
