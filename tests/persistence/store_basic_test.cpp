// LMDB store basics: append/read round trip, partitions and offsets, reopen, snapshots + tail
// replay, dedup in the append txn, argument checks, partition count fixed at creation.
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tocsin;
using namespace tocsin::persistence;
using namespace tocsin::persistence::test;
using domain::errc;

namespace {

std::vector<domain::envelope> history_of(const std::string& id) {
  std::vector<domain::envelope> out;
  std::uint64_t seq = 0;
  for (auto& ev : every_event_kind(id))
    out.push_back(envelope_of(id, ++seq, ev));
  return out;
}

} // namespace

TEST_CASE("append then read back every event kind", "[persistence][store]") {
  temp_dir dir;
  auto st = open_store(small_options(dir.path()));
  const std::string id = make_id(2, 1);
  const auto history = history_of(id);

  append_request req;
  req.aggregate_id = id;
  req.events = history;
  auto r = st->append_sync(req);
  REQUIRE(r.ok());
  CHECK(r.offsets == std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});

  CHECK(*st->version_of(id) == 10);
  auto events = st->read_events(id, 1);
  REQUIRE(events.ok());
  CHECK(*events == history);
  auto tail = st->read_events(id, 8);
  REQUIRE(tail.ok());
  REQUIRE(tail->size() == 3);
  CHECK(tail->front().sequence == 8);

  auto part = st->read_partition(2, 3, 4);
  REQUIRE(part.ok());
  REQUIRE(part->size() == 4);
  CHECK(part->front().offset == 3);
  CHECK(part->front().env == history[3]);
  CHECK(st->partition_end(2) == 10);
  CHECK(st->partition_end(1) == 0);

  auto state = st->load_incident(id);
  REQUIRE(state.ok());
  domain::incident_state expect;
  for (const auto& e : history)
    expect = domain::apply(std::move(expect), e.payload);
  CHECK(*state == expect);
  CHECK(state->status == domain::incident_status::resolved);
}

TEST_CASE("unknown aggregates and bad arguments", "[persistence][store]") {
  temp_dir dir;
  auto st = open_store(small_options(dir.path()));
  const std::string id = make_id(1, 9);
  CHECK(*st->version_of(id) == 0);
  CHECK(st->read_events(id, 0)->empty());
  CHECK(st->load_incident(id).err().code == errc::not_found);
  CHECK(st->version_of("not-a-ulid").err().code == errc::invalid_argument);
  CHECK(st->read_partition(99, 0, 10).err().code == errc::invalid_argument);
  CHECK(st->version_of(make_id(200, 1)).err().code == errc::invalid_argument); // partition 200 of 8

  // Sequences must continue the expected version.
  auto bad = make_append(id, 0, 2);
  bad.events[1].sequence = 5;
  CHECK(st->append_sync(bad).err.code == errc::invalid_argument);
  auto wrong_part = make_append(id, 0);
  wrong_part.events[0].partition = 0;
  CHECK(st->append_sync(wrong_part).err.code == errc::invalid_argument);
  CHECK(st->append_sync(make_append(make_id(200, 2), 0)).err.code == errc::invalid_argument);
  // Expected version 0 means "must not exist"; a later version on a new aggregate conflicts.
  CHECK(st->append_sync(make_append(id, 3)).err.code == errc::version_conflict);
  CHECK(*st->version_of(id) == 0);
  CHECK(st->partition_end(1) == 0);
  CHECK(st->stats().conflicts == 1);
}

TEST_CASE("reopen gives identical data and partition ends", "[persistence][store]") {
  temp_dir dir;
  std::vector<std::string> ids;
  std::vector<std::vector<domain::envelope>> before;
  std::vector<std::uint64_t> ends;
  {
    auto st = open_store(small_options(dir.path()));
    for (std::uint16_t p = 0; p < 8; ++p)
      for (std::uint64_t n = 0; n < 3; ++n) {
        ids.push_back(make_id(p, n));
        REQUIRE(st->append_sync(make_append(ids.back(), 0, 1 + p + n)).ok());
      }
    for (const auto& id : ids)
      before.push_back(*st->read_events(id, 0));
    for (std::uint32_t p = 0; p < 8; ++p)
      ends.push_back(st->partition_end(p));
    st->close();
    st->close(); // idempotent
    CHECK(st->append_sync(make_append(make_id(0, 99), 0)).err.code == errc::unavailable);
    CHECK(st->version_of(ids[0]).err().code == errc::unavailable);
  }
  auto st = open_store(small_options(dir.path()));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CHECK(*st->read_events(ids[i], 0) == before[i]);
    CHECK(*st->version_of(ids[i]) == before[i].size());
  }
  for (std::uint32_t p = 0; p < 8; ++p)
    CHECK(st->partition_end(p) == ends[p]);
  CHECK(ends[0] == 1 + 2 + 3);
  // Offsets continue where they were.
  auto r = st->append_sync(make_append(ids[0], before[0].size()));
  REQUIRE(r.ok());
  CHECK(r.offsets[0] == ends[0]);
}

TEST_CASE("a reopen with another partition count is refused", "[persistence][store]") {
  temp_dir dir;
  { open_store(small_options(dir.path(), 8)); }
  auto other = store::open(small_options(dir.path(), 16));
  REQUIRE(!other.ok());
  CHECK(other.err().code == errc::invalid_argument);
  CHECK(other.err().message.find("8 partitions") != std::string::npos);
  CHECK(store::open(small_options(dir.path(), 8)).ok());
}

TEST_CASE("load_incident is snapshot plus tail replay", "[persistence][store]") {
  temp_dir dir;
  auto st = open_store(small_options(dir.path()));
  const std::string id = make_id(4, 1);
  const auto history = history_of(id);
  domain::incident_state at5;
  for (std::size_t i = 0; i < 5; ++i)
    at5 = domain::apply(std::move(at5), history[i].payload);

  append_request first;
  first.aggregate_id = id;
  first.events.assign(history.begin(), history.begin() + 5);
  first.snapshot = at5;
  REQUIRE(st->append_sync(first).ok());
  CHECK(*st->load_incident(id) == at5);

  append_request rest;
  rest.aggregate_id = id;
  rest.expected_version = 5;
  rest.events.assign(history.begin() + 5, history.end());
  REQUIRE(st->append_sync(rest).ok());
  domain::incident_state full;
  for (const auto& e : history)
    full = domain::apply(std::move(full), e.payload);
  CHECK(*st->load_incident(id) == full);

  // A snapshot of the wrong version is refused, nothing written.
  append_request bad = make_append(id, 10);
  bad.snapshot = at5;
  CHECK(st->append_sync(bad).err.code == errc::invalid_argument);
  CHECK(*st->version_of(id) == 10);
}

TEST_CASE("dedup entries commit with their events", "[persistence][store]") {
  temp_dir dir;
  auto st = open_store(small_options(dir.path()));
  const domain::dedup_key key{"acme", domain::incident_source::signal, "sig-1"};
  const std::string id = make_id(domain::partition_for(key, 8), 1);

  auto open = make_append(id, 0);
  open.dedup.push_back(dedup_op{dedup_op::put, key, id});
  REQUIRE(st->append_sync(open).ok());
  REQUIRE(st->find_open(key).ok());
  CHECK(st->find_open(key)->value_or("") == id);

  // A refused request takes its dedup change with it.
  auto stale = make_append(id, 0);
  stale.dedup.push_back(dedup_op{dedup_op::erase, key, {}});
  CHECK(st->append_sync(stale).err.code == errc::version_conflict);
  CHECK(st->find_open(key)->has_value());

  auto resolve = make_append(id, 1);
  resolve.dedup.push_back(dedup_op{dedup_op::erase, key, {}});
  REQUIRE(st->append_sync(resolve).ok());
  CHECK(!st->find_open(key)->has_value());
  // Erasing an absent key is not an error.
  auto again = make_append(id, 2);
  again.dedup.push_back(dedup_op{dedup_op::erase, key, {}});
  CHECK(st->append_sync(again).ok());
}
