// Window codec: varint writer and a bounds-checked reader that reports truncation instead of
// reading past the end.
#include "domain/window_codec.hpp"

#include <cstdint>
#include <cstring>
#include <optional>

namespace tocsin::domain {
namespace {

constexpr char format_version = 1;
constexpr std::uint64_t max_count = 1u << 20; // a corrupt length must not allocate gigabytes

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_signed(std::string& out, std::int64_t v) {
  put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void put_string(std::string& out, const std::string& s) {
  put_varint(out, s.size());
  out.append(s);
}

void put_double(std::string& out, double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

class reader {
public:
  explicit reader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == b_.size(); }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) return fail();
      const auto byte = static_cast<unsigned char>(b_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    return fail();
  }
  std::int64_t signed_varint() {
    const std::uint64_t z = varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::uint64_t count() {
    const std::uint64_t n = varint();
    return n > max_count ? fail() : n;
  }
  std::string string() {
    const std::uint64_t n = count();
    if (!ok_ || n > b_.size() - pos_) return fail(), std::string();
    std::string s{b_.substr(pos_, n)};
    pos_ += n;
    return s;
  }
  double float64() {
    if (b_.size() - pos_ < 8) return static_cast<double>(fail());
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
      bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(b_[pos_++])) << (8 * i);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  bool version() {
    if (pos_ >= b_.size() || b_[pos_] != format_version) return fail(), false;
    ++pos_;
    return true;
  }

private:
  std::uint64_t fail() {
    ok_ = false;
    pos_ = b_.size();
    return 0;
  }
  std::string_view b_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

error corrupt(const char* what) {
  return make_error(errc::corrupt_record, std::string(what) + ": truncated or malformed");
}

} // namespace

std::string encode(const closed_window& w) {
  std::string out;
  out.push_back(format_version);
  put_signed(out, w.start);
  put_signed(out, w.resolution);
  put_varint(out, w.value.calls);
  put_varint(out, w.value.errors);
  put_signed(out, w.value.sum);
  put_varint(out, w.value.buckets.size());
  for (auto b : w.value.buckets) put_varint(out, b);
  put_varint(out, w.value.exemplars.size());
  for (const auto& e : w.value.exemplars) {
    put_string(out, e.trace_id);
    put_string(out, e.span_id);
    put_string(out, e.artifact_id);
    put_string(out, e.agent_id);
    put_string(out, e.skill_id);
    put_double(out, e.value);
    put_signed(out, e.at);
  }
  return out;
}

result<closed_window> decode_closed_window(std::string_view bytes) {
  reader r{bytes};
  closed_window w;
  if (!r.version()) return corrupt("closed window");
  w.start = r.signed_varint();
  w.resolution = r.signed_varint();
  w.value.calls = r.varint();
  w.value.errors = r.varint();
  w.value.sum = r.signed_varint();
  const auto buckets = r.count();
  for (std::uint64_t i = 0; r.ok() && i < buckets; ++i) w.value.buckets.push_back(r.varint());
  const auto exemplars = r.count();
  for (std::uint64_t i = 0; r.ok() && i < exemplars; ++i) {
    exemplar e;
    e.trace_id = r.string();
    e.span_id = r.string();
    e.artifact_id = r.string();
    e.agent_id = r.string();
    e.skill_id = r.string();
    e.value = r.float64();
    e.at = r.signed_varint();
    w.value.exemplars.push_back(std::move(e));
  }
  if (!r.ok() || !r.at_end() || w.resolution <= 0) return corrupt("closed window");
  return w;
}

std::string encode(const store_meta& m) {
  std::string out;
  out.push_back(format_version);
  put_signed(out, m.closed_until);
  put_signed(out, m.tracked_since);
  put_varint(out, m.late);
  put_varint(out, m.gaps.size());
  for (const auto& g : m.gaps) {
    put_signed(out, g.from);
    put_signed(out, g.to);
  }
  return out;
}

result<store_meta> decode_store_meta(std::string_view bytes) {
  reader r{bytes};
  store_meta m;
  if (!r.version()) return corrupt("window store meta");
  m.closed_until = r.signed_varint();
  m.tracked_since = r.signed_varint();
  m.late = r.varint();
  const auto gaps = r.count();
  for (std::uint64_t i = 0; r.ok() && i < gaps; ++i) {
    gap g;
    g.from = r.signed_varint();
    g.to = r.signed_varint();
    m.gaps.push_back(g);
  }
  if (!r.ok() || !r.at_end()) return corrupt("window store meta");
  return m;
}

} // namespace tocsin::domain
