// Integration tests of the incident catalog behind List: filters, newest-first pagination, trace
// search and tenant isolation, whether rows are still pending in memory or flushed to LMDB, and
// after a restart that lost the pending rows.
#include "actors/engine_fixture.hpp"

#include <set>

using namespace tocsin;
using tocsin::test::engine_fixture;
using tocsin::test::make_open;

namespace {

std::vector<persistence::incident_summary> list_all(persistence::store& st,
                                                    persistence::incident_filter f) {
  std::vector<persistence::incident_summary> out;
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = st.list_incidents(f);
    REQUIRE(page.ok());
    out.insert(out.end(), page->items.begin(), page->items.end());
    if (page->next_page_token.empty())
      return out;
    f.page_token = page->next_page_token;
  }
  FAIL("pagination does not end");
  return out;
}

// 40 incidents for acme (every 4th acknowledged unless critical, every 5th critical, one with an exemplar trace)
// and 5 for another tenant. Returns acme's ids in open order.
std::vector<std::string> populate(engine_fixture& f) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    f.clock.advance(domain::nanos_per_second);
    auto o = make_open("acme " + std::to_string(i),
                       i % 5 == 0 ? domain::severity::critical : domain::severity::warning);
    o.attr.trace_id = "trace-" + std::to_string(i % 3);
    if (i == 17)
      o.exemplars.push_back({"exemplar-trace", "span-1", "a", "b", "c", 1.0, 0});
    auto r = f.eng->open(o);
    REQUIRE(r.ok());
    ids.push_back(r->state.id);
    if (i % 4 == 0 && i % 5 != 0) // critical ones are Escalated already
      REQUIRE(f.eng->execute(r->state.id, domain::acknowledge{"op"}).ok());
  }
  for (int i = 0; i < 5; ++i) {
    auto o = make_open("other " + std::to_string(i), domain::severity::warning);
    o.tenant = "globex";
    o.attr.trace_id = "trace-0";
    REQUIRE(f.eng->open(o).ok());
  }
  return ids;
}

void check_catalog(persistence::store& st, const std::vector<std::string>& ids) {
  persistence::incident_filter f;
  f.tenant = "acme";
  f.page_size = 7;
  auto all = list_all(st, f);
  REQUIRE(all.size() == ids.size());
  for (std::size_t i = 0; i < all.size(); ++i) // newest first
    CHECK(all[i].id == ids[ids.size() - 1 - i]);

  f.status = domain::incident_status::acknowledged;
  auto acked = list_all(st, f);
  CHECK(acked.size() == 8); // i = 4, 8, 12, 16, 24, 28, 32, 36
  for (auto& s : acked)
    CHECK(s.status == domain::incident_status::acknowledged);

  f.status.reset();
  f.sev = domain::severity::critical;
  auto crit = list_all(st, f);
  CHECK(crit.size() == 8);
  for (auto& s : crit)
    CHECK(s.status == domain::incident_status::escalated);

  f.sev.reset();
  f.trace_id = "trace-0";
  auto by_trace = list_all(st, f);
  CHECK(by_trace.size() == 14); // acme only, though globex shares the trace id
  f.trace_id = "exemplar-trace";
  auto by_exemplar = list_all(st, f);
  REQUIRE(by_exemplar.size() == 1);
  CHECK(by_exemplar[0].id == ids[17]);

  f.trace_id.clear();
  f.opened_after = all[9].opened_at; // the 10 newest
  CHECK(list_all(st, f).size() == 10);

  persistence::incident_filter other;
  other.tenant = "globex";
  CHECK(list_all(st, other).size() == 5);
  other.tenant = "nobody";
  CHECK(list_all(st, other).empty());
  other.tenant.clear();
  CHECK(st.list_incidents(other).err().code == domain::errc::invalid_argument);
}

} // namespace

TEST_CASE("List sees rows still pending in memory, then after a clean restart") {
  engine_fixture f;
  f.store_opts.index_flush_entries = 1'000'000; // nothing flushes by size
  f.store_opts.index_flush_interval = std::chrono::hours{1};
  f.start();
  auto ids = populate(f);
  CHECK(f.store->stats().index_flushes == 0);
  check_catalog(*f.store, ids);

  // A clean restart (close() flushes the pending rows); the crash case is in crash_test.cpp.
  f.reopen();
  check_catalog(*f.store, ids);
}

TEST_CASE("List agrees when every commit flushes the catalog") {
  engine_fixture f;
  f.store_opts.index_flush_entries = 1;
  f.start();
  auto ids = populate(f);
  CHECK(f.store->stats().index_flushes > 0);
  check_catalog(*f.store, ids);
}
