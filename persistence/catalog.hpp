// The incident catalog: one summary row per incident keyed (tenant, id) for List, plus a trace-id
// index. Like the aggregate index it trails the journal: rows are pending in memory until the
// writer's index flush writes them in the same txn as the watermark. pending_catalog is mutated
// by the writer thread only and read from any thread; the free functions take the caller's txn.
#pragma once

#include "persistence/keys.hpp"
#include "persistence/store.hpp"

#include <lmdb.h>

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tocsin::persistence {

struct databases;

void encode_summary(const incident_summary& s, std::string& out);
domain::error decode_summary(std::string_view bytes, incident_summary& out);

class pending_catalog {
public:
  // writer thread, after the commit that made these rows true
  void add(std::vector<incident_summary>& rows);
  void collect(std::vector<incident_summary>& out) const;
  void clear(); // only after the flush txn holding the rows committed
  // any thread
  std::vector<incident_summary> copy_tenant(const std::string& tenant) const;
  std::vector<incident_summary> copy_all() const;

private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, incident_summary> rows_; // by incident id; latest row wins
};

/// Writes rows (and their trace-index keys) inside the writer's flush txn.
domain::error write_summaries(MDB_txn* t, const databases& dbs,
                              const std::vector<incident_summary>& rows, std::string& buf);

/// List over the durable catalog in `t` overlaid with `pending` (copied before `t` began).
domain::result<incident_page> list_catalog(MDB_txn* t, const databases& dbs,
                                           std::vector<incident_summary> pending,
                                           const incident_filter& filter);

/// Incidents per (tenant, status): the durable catalog in `t` overlaid with `pending`.
domain::result<std::vector<incident_count>> count_catalog(MDB_txn* t, const databases& dbs,
                                                          std::vector<incident_summary> pending);

} // namespace tocsin::persistence
