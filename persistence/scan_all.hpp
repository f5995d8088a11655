// Reading every row under a key prefix, page by page: what the loaders that rebuild in-memory
// state at start-up do (policies, SLOs and their states, breach counters, cost detectors,
// quality scores, pending notifications). Any thread; each page is one read transaction, so a
// write landing between pages may or may not be seen (loaders run before their writers start).
#pragma once

#include "domain/error.hpp"
#include "persistence/store.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace tocsin::persistence {

using row_visitor = std::function<domain::error(const std::string& key, const std::string& value)>;

/// Calls `each` for every row of `db` whose key starts with `prefix`, in key order, reading
/// `page` rows per store read. Stops at the first error, the store's or `each`'s, and returns it.
domain::error scan_all(store& st, kv_db db, std::string_view prefix, const row_visitor& each,
                       std::size_t page = 1024);

/// scan_all of kv_db::definitions, where an error of `each` names its row: "definitions <key>:".
domain::error scan_definitions(store& st, std::string_view prefix, const row_visitor& each);

} // namespace tocsin::persistence
