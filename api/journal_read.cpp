// Journal reads for server streams: see journal_read.hpp.
#include "api/journal_read.hpp"

#include <algorithm>

namespace tocsin::api {

partition_offsets journal_end(persistence::store& st) {
  partition_offsets ends(st.options().partitions, 0);
  for (std::uint32_t p = 0; p < ends.size(); ++p)
    ends[p] = st.partition_end(p);
  return ends;
}

domain::error read_journal(persistence::store& st, partition_offsets& next,
                           const partition_offsets& ends, std::size_t& budget,
                           std::size_t per_read,
                           const std::function<void(const persistence::journal_record&)>& visit) {
  const auto parts = static_cast<std::uint32_t>(std::min(next.size(), ends.size()));
  for (std::uint32_t p = 0; p < parts && budget > 0; ++p) {
    while (next[p] < ends[p] && budget > 0) {
      auto records = st.read_partition(p, next[p], std::min(budget, per_read));
      if (!records)
        return records.err();
      if (records->empty())
        break;
      for (const auto& rec : *records) {
        --budget;
        next[p] = rec.offset + 1;
        visit(rec);
      }
    }
  }
  return {};
}

} // namespace tocsin::api
