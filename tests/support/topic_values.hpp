// Reading a whole topic log back in a test: every record's value, partition by partition, to
// count what a component appended or decode it. Test-only; call from the test thread.
#pragma once

#include "persistence/topic_log.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::test {

/// The values of every record in `topic` (REQUIREs each read to succeed): in offset order within
/// a partition, partitions in turn, so only a per-partition order may be relied on.
inline std::vector<std::string> topic_values(persistence::topic_log& topic) {
  std::vector<std::string> out;
  for (std::uint32_t p = 0; p < topic.partitions(); ++p) {
    auto recs = topic.read(p, 0, 1000);
    REQUIRE(recs.ok());
    for (auto& r : *recs)
      out.push_back(std::move(r.value));
  }
  return out;
}

} // namespace tocsin::test
