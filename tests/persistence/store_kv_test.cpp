// The store's kv ops (consumer cursors, notification records, dead letters, definitions) and the
// deadline index written in the same transaction as the append that set it.
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
using namespace tocsin::persistence;
using namespace tocsin::persistence::test;

TEST_CASE("kv puts and erases are atomic, durable and scanned in key order") {
  temp_dir dir;
  {
    auto st = store::open(small_options(dir.path()));
    REQUIRE(st.ok());
    auto& s = **st;
    REQUIRE(s.write_sync({{kv_db::cursors, kv_op::put, "notifier/0001", "a"},
                          {kv_db::cursors, kv_op::put, "notifier/0000", "b"},
                          {kv_db::cursors, kv_op::put, "relay/0000", "c"},
                          {kv_db::dead_letters, kv_op::put, "notification/x", "dead"}})
              .code == domain::errc::ok);
    CHECK(s.get(kv_db::cursors, "notifier/0001").value() == std::optional<std::string>{"a"});
    CHECK_FALSE(s.get(kv_db::cursors, "missing").value().has_value());
    CHECK_FALSE(s.get(kv_db::notifications, "notifier/0001").value().has_value()); // other DB
    auto rows = s.scan(kv_db::cursors, "notifier/", "", 10).value();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].first == "notifier/0000");
    CHECK(rows[1].second == "a");
    CHECK(s.scan(kv_db::cursors, "notifier/", "notifier/0001", 10).value().size() == 1);
    CHECK(s.scan(kv_db::cursors, "", "", 1).value().size() == 1);
    REQUIRE(s.write_sync({{kv_db::cursors, kv_op::erase, "notifier/0000", {}},
                          {kv_db::cursors, kv_op::erase, "never-there", {}}})
              .code == domain::errc::ok);
    s.close();
  }
  auto st = store::open(small_options(dir.path()));
  REQUIRE(st.ok());
  auto rows = (*st)->scan(kv_db::cursors, "", "", 10).value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first == "notifier/0001");
  CHECK((*st)->get(kv_db::dead_letters, "notification/x").value() == std::optional<std::string>{"dead"});
}

TEST_CASE("deadlines commit with their append, carry its version and come back in time order") {
  temp_dir dir;
  auto st = store::open(small_options(dir.path()));
  REQUIRE(st.ok());
  auto& s = **st;
  const auto a = make_id(1, 1), b = make_id(2, 2);
  auto ra = make_append(a, 0, 2);
  ra.deadline = t0 + 500;
  auto rb = make_append(b, 0, 1);
  rb.deadline = t0 + 100;
  REQUIRE(s.append_sync(ra).ok());
  REQUIRE(s.append_sync(rb).ok());

  auto due = s.due_deadlines(t0 + 1000, 100).value();
  REQUIRE(due.size() == 2);
  CHECK(due[0].incident_id == b);
  CHECK(due[0].at == t0 + 100);
  CHECK(due[0].version == 1);
  CHECK(due[1].incident_id == a);
  CHECK(due[1].version == 2);
  CHECK(s.due_deadlines(t0 + 200, 100).value().size() == 1);
  CHECK(s.due_deadlines(t0, 100).value().empty());

  // A refused append (stale version) writes no deadline either.
  auto stale = make_append(a, 0, 1);
  stale.deadline = t0 + 50;
  CHECK(s.append_sync(stale).err.code == domain::errc::version_conflict);
  CHECK(s.due_deadlines(t0 + 1000, 100).value().size() == 2);

  // Fired entries are removed through kv erase.
  REQUIRE(s.write_sync({{kv_db::deadlines, kv_op::erase, deadline_key(t0 + 100, b), {}}}).code
          == domain::errc::ok);
  CHECK(s.due_deadlines(t0 + 1000, 100).value().size() == 1);
}
