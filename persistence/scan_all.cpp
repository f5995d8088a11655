// Paged prefix scans: see scan_all.hpp.
#include "persistence/scan_all.hpp"

namespace tocsin::persistence {

domain::error scan_all(store& st, kv_db db, std::string_view prefix, const row_visitor& each,
                       std::size_t page) {
  if (page == 0)
    page = 1;
  const std::string p(prefix);
  std::string from = p;
  for (;;) {
    auto rows = st.scan(db, p, from, page);
    if (!rows.ok())
      return rows.err();
    for (const auto& [key, value] : *rows)
      if (auto err = each(key, value); err.code != domain::errc::ok)
        return err;
    if (rows->size() < page)
      return {};
    from = rows->back().first + '\0'; // the smallest key after the last one read
  }
}

domain::error scan_definitions(store& st, std::string_view prefix, const row_visitor& each) {
  return scan_all(st, kv_db::definitions, prefix,
                  [&](const std::string& key, const std::string& value) {
                    auto err = each(key, value);
                    if (err.code != domain::errc::ok)
                      err.message = "definitions " + key + ": " + err.message;
                    return err;
                  });
}

} // namespace tocsin::persistence
