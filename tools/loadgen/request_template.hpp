// One pre-serialized OTLP ExportTraceServiceRequest and the byte offsets of its per-span ids and
// timestamps, so that each send writes fresh trace/span ids and current times into a copy
// without re-encoding (the generator must not be the bottleneck). Built once at start-up; then
// immutable and safe to render from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::loadgen {

struct template_shape {
  std::uint32_t spans = 512;
  std::uint32_t attributes = 10;
  double error_ratio = 0;
  std::string service;
  std::vector<std::string> span_names;
  std::string tenant; // resource attribute tenant.id; none if empty
  std::uint64_t seed = 1;
};

class request_template {
public:
  /// Encodes the request with the generated OTLP classes, locates the patchable fields and
  /// checks a rendered copy parses back with the expected values. Throws std::runtime_error.
  explicit request_template(const template_shape& shape);

  std::size_t size() const { return bytes_.size(); }
  std::size_t spans() const { return slots_.size(); }
  std::size_t error_spans() const { return errors_; }

  /// Writes the request into dst[0, size()): ids salted by `seq` (distinct per send), spans
  /// ending around `now_ns` (wall clock) so they fall into the receiver's open windows.
  void render(std::uint64_t seq, std::uint64_t now_ns, char* dst) const;

private:
  struct span_slot {
    std::uint32_t trace_id_at = 0; // offsets of the field values in bytes_
    std::uint32_t span_id_at = 0;
    std::uint32_t start_at = 0;
    std::uint32_t end_at = 0;
    std::uint64_t trace_hi = 0; // the template's values, salted per send
    std::uint64_t span_id = 0;
    std::uint64_t duration_ns = 0;
  };
  void locate(const std::vector<std::string>& trace_ids, const std::vector<std::string>& span_ids,
              const std::vector<std::uint64_t>& starts, const std::vector<std::uint64_t>& ends);
  void self_check() const;

  std::string bytes_;
  std::vector<span_slot> slots_;
  std::size_t errors_ = 0;
};

} // namespace tocsin::loadgen
