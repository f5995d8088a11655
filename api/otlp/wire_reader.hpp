// Internal to api/otlp: a protobuf wire reader over one flat buffer (CodedInputStream plus the
// buffer's base, so length-delimited fields come out as views, without copies). One reader per
// decode call and thread; readers of sub-buffers share the caller's failure record.
#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tocsin::api::otlp::wire {

using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

/// Tag = field number << 3 | wire type: switch on whole tags, so a known field number with another
/// wire type falls through to "skip", exactly as the generated parser treats it (unknown field).
constexpr std::uint32_t tag(std::uint32_t field, std::uint32_t wire_type) {
  return field << 3 | wire_type;
}
constexpr std::uint32_t varint = 0, i64 = 1, len = 2, i32 = 5;

/// The first wire-level problem of one decode call; `at` is a byte offset in the whole request.
struct failure {
  const char* what = nullptr;
  std::int64_t at = -1;
  std::string detail; // semantic problems (e.g. id length) name the field path here instead
  bool failed() const { return what != nullptr || !detail.empty(); }
};

class reader {
public:
  reader(const char* data, std::size_t size, failure& f, std::int64_t origin = 0)
      : base_(data), in_(reinterpret_cast<const std::uint8_t*>(data), static_cast<int>(size)),
        f_(f), origin_(origin) {
    in_.PushLimit(static_cast<int>(size)); // so that BytesUntilLimit() is meaningful at top level
  }
  /// A reader of a view previously returned by `parent.view()`.
  reader(reader& parent, std::string_view sub)
      : reader(sub.data(), sub.size(), parent.f_, parent.origin_ + (sub.data() - parent.base_)) {}

  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;

  /// The next field's tag; false at the clean end of the current message or on malformed input
  /// (then failed() is true). A literal tag 0 or field number 0 is malformed.
  bool next(std::uint32_t& t) {
    int before = in_.CurrentPosition();
    t = in_.ReadTagNoLastTag();
    if (__builtin_expect(t >= 8, 1))
      return true;
    if (t == 0 && in_.CurrentPosition() == before && in_.BytesUntilLimit() == 0)
      return false;
    fail(t == 0 ? "malformed or zero tag" : "field number 0");
    return false;
  }

  /// Skips the field whose tag `next` returned (groups included, depth-limited by the stream).
  bool skip(std::uint32_t t) {
    return WireFormatLite::SkipField(&in_, t) || fail("malformed field");
  }

  /// A length-delimited payload as a view into the buffer.
  bool view(std::string_view& out) {
    int n;
    if (!in_.ReadVarintSizeAsInt(&n))
      return fail("malformed length");
    int pos = in_.CurrentPosition();
    if (!in_.Skip(n))
      return fail("length runs past the enclosing message");
    out = std::string_view(base_ + pos, static_cast<std::size_t>(n));
    return true;
  }

  /// Limits the stream to the length-delimited sub-message that follows; pair with leave().
  bool enter(CodedInputStream::Limit& saved) {
    int n;
    if (!in_.ReadVarintSizeAsInt(&n))
      return fail("malformed length");
    if (n > in_.BytesUntilLimit()) // PushLimit would silently clamp it to the enclosing limit
      return fail("length runs past the enclosing message");
    saved = in_.PushLimit(n);
    return true;
  }
  void leave(CodedInputStream::Limit saved) { in_.PopLimit(saved); }

  bool u64(std::uint64_t& v) { return in_.ReadVarint64(&v) || fail("malformed varint"); }
  /// int32 and enum fields: a 64-bit varint truncated to its low 32 bits, like the generated code.
  bool i32v(std::int32_t& v) {
    std::uint64_t raw;
    if (!u64(raw))
      return false;
    v = static_cast<std::int32_t>(static_cast<std::uint32_t>(raw));
    return true;
  }
  bool fixed64(std::uint64_t& v) {
    return in_.ReadLittleEndian64(&v) || fail("truncated fixed64");
  }
  bool dbl(double& v) {
    std::uint64_t raw;
    if (!fixed64(raw))
      return false;
    std::memcpy(&v, &raw, sizeof v);
    return true;
  }
  bool fixed32(std::uint32_t& v) {
    return in_.ReadLittleEndian32(&v) || fail("truncated fixed32");
  }

  bool fail(const char* what) {
    if (!f_.failed()) {
      f_.what = what;
      f_.at = origin_ + in_.CurrentPosition();
    }
    return false;
  }
  bool failed() const { return f_.failed(); }
  failure& record() { return f_; }

private:
  const char* base_;
  CodedInputStream in_;
  failure& f_;
  std::int64_t origin_;
};

/// Copies an id field: `size` bytes, or empty (all zero). False for any other length.
template <class Id>
bool copy_id(std::string_view bytes, Id& out) {
  if (bytes.size() == out.size()) {
    std::memcpy(out.data(), bytes.data(), out.size());
    return true;
  }
  if (bytes.empty()) {
    out.fill(0);
    return true;
  }
  return false;
}

} // namespace tocsin::api::otlp::wire
