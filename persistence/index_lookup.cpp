// agg_index lookups (see index_lookup.hpp).
#include "persistence/index_lookup.hpp"

#include <limits>

namespace tocsin::persistence {

int last_indexed_sequence(lmdb::cursor& c, const keys::aggregate_key& id, std::uint64_t& out) {
  out = 0;
  // Seek just past the id's last possible key, then step back once.
  keys::index_key probe(id, std::numeric_limits<std::uint64_t>::max());
  MDB_val k = lmdb::val(probe.bytes.data(), probe.bytes.size());
  MDB_val d{};
  int rc = c.get(k, d, MDB_SET_RANGE);
  if (rc == MDB_SUCCESS)
    rc = c.get(k, d, MDB_PREV);
  else if (rc == MDB_NOTFOUND)
    rc = c.get(k, d, MDB_LAST);
  if (rc == MDB_NOTFOUND)
    return MDB_SUCCESS;
  if (rc != MDB_SUCCESS)
    return rc;
  if (keys::same_aggregate(k.mv_data, k.mv_size, id))
    out = keys::index_sequence(k.mv_data);
  return MDB_SUCCESS;
}

int indexed_entries(lmdb::cursor& c, const keys::aggregate_key& id, std::uint64_t from_sequence,
                    std::vector<index_entry>& out) {
  keys::index_key probe(id, from_sequence);
  MDB_val k = lmdb::val(probe.bytes.data(), probe.bytes.size());
  MDB_val d{};
  int rc = c.get(k, d, MDB_SET_RANGE);
  while (rc == MDB_SUCCESS && keys::same_aggregate(k.mv_data, k.mv_size, id)) {
    if (d.mv_size != 8)
      return MDB_CORRUPTED;
    out.push_back(index_entry{keys::index_sequence(k.mv_data), keys::read_u64(d.mv_data)});
    rc = c.get(k, d, MDB_NEXT);
  }
  return rc == MDB_NOTFOUND || rc == MDB_SUCCESS ? MDB_SUCCESS : rc;
}

void merge_pending(std::vector<index_entry>& indexed, const std::vector<index_entry>& pending,
                   std::uint64_t from_sequence) {
  std::uint64_t last = indexed.empty() ? 0 : indexed.back().sequence;
  for (const auto& e : pending)
    if (e.sequence > last && e.sequence >= from_sequence)
      indexed.push_back(e);
}

} // namespace tocsin::persistence
