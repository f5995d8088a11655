// Concurrency of the LMDB store: optimistic concurrency under racing appends, many submitters on
// distinct aggregates, and the trailing aggregate index (pending entries, flushes, rebuild).
#include "persistence/keys.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>
#include <lmdb.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace tocsin;
using namespace tocsin::persistence;
using namespace tocsin::persistence::test;
using domain::errc;

namespace {

/// Simulates a crash between commits and the next index flush: drops every agg_index entry and
/// every watermark with raw LMDB, as if the index had never been written.
void forget_index(const std::string& dir) {
  MDB_env* env = nullptr;
  REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 16);
  REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0644) == 0);
  MDB_txn* t = nullptr;
  REQUIRE(mdb_txn_begin(env, nullptr, 0, &t) == 0);
  MDB_dbi index = 0, meta = 0;
  REQUIRE(mdb_dbi_open(t, "agg_index", 0, &index) == 0);
  REQUIRE(mdb_dbi_open(t, "meta", 0, &meta) == 0);
  REQUIRE(mdb_drop(t, index, 0) == 0);
  for (std::uint32_t p = 0; p < 8; ++p) {
    std::string k = keys::meta_watermark(p);
    MDB_val key{k.size(), k.data()};
    mdb_del(t, meta, &key, nullptr);
  }
  REQUIRE(mdb_txn_commit(t) == 0);
  mdb_env_close(env);
}

} // namespace

TEST_CASE("racing appends at the same expected version: exactly one wins", "[persistence][occ]") {
  temp_dir dir;
  auto st = open_store(small_options(dir.path()));
  for (std::uint64_t round = 0; round < 40; ++round) {
    const std::string id = make_id(static_cast<std::uint16_t>(round % 8), round);
    REQUIRE(st->append_sync(make_append(id, 0)).ok());

    append_request a = make_append(id, 1, 2), b = make_append(id, 1, 3);
    for (auto& e : a.events)
      std::get<domain::note_added>(e.payload).text = "from a";
    std::mutex mu;
    std::condition_variable cv;
    bool go = false;
    append_result ra, rb;
    auto racer = [&](append_request& req, append_result& out) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return go; });
      lock.unlock();
      out = st->append_sync(std::move(req));
    };
    std::thread ta(racer, std::ref(a), std::ref(ra)), tb(racer, std::ref(b), std::ref(rb));
    {
      std::lock_guard<std::mutex> lock(mu);
      go = true;
    }
    cv.notify_all();
    ta.join();
    tb.join();

    REQUIRE(ra.ok() != rb.ok());
    const append_result& loser = ra.ok() ? rb : ra;
    CHECK(loser.err.code == errc::version_conflict);
    CHECK(loser.offsets.empty());
    const std::uint64_t want = ra.ok() ? 3 : 4;
    CHECK(*st->version_of(id) == want);
    auto events = st->read_events(id, 2);
    REQUIRE(events->size() == want - 1);
    const bool a_won = ra.ok();
    for (const auto& e : *events)
      CHECK((std::get<domain::note_added>(e.payload).text == "from a") == a_won);
  }
  CHECK(st->stats().conflicts == 40);
}

TEST_CASE("many threads append to distinct aggregates", "[persistence][concurrency]") {
  temp_dir dir;
  auto opts = small_options(dir.path());
  opts.index_flush_entries = 500; // several flushes happen while appending
  auto st = open_store(opts);
  constexpr int threads = 8, per_thread = 60, rounds = 4;
  std::mutex mu;
  std::map<std::uint32_t, std::set<std::uint64_t>> offsets; // per partition
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::vector<std::string> ids;
      for (int i = 0; i < per_thread; ++i)
        ids.push_back(make_id(static_cast<std::uint16_t>((t + i) % 8), 1000 * t + i));
      for (int r = 0; r < rounds; ++r)
        for (const auto& id : ids) {
          auto res = st->append_sync(make_append(id, static_cast<std::uint64_t>(r) * 2, 2));
          if (!res.ok()) {
            ++failures;
            continue;
          }
          std::lock_guard<std::mutex> lock(mu);
          for (auto off : res.offsets)
            if (!offsets[partition_of_id(id)].insert(off).second)
              ++failures; // an offset handed out twice
        }
    });
  for (auto& th : pool)
    th.join();
  REQUIRE(failures == 0);

  std::uint64_t total = 0;
  for (std::uint32_t p = 0; p < 8; ++p) {
    const auto& got = offsets[p];
    total += got.size();
    CHECK(st->partition_end(p) == got.size());
    if (!got.empty()) // dense: exactly 0 .. n-1
      CHECK((*got.begin() == 0 && *got.rbegin() == got.size() - 1));
    auto recs = st->read_partition(p, 0, 1u << 20);
    REQUIRE(recs.ok());
    CHECK(recs->size() == got.size());
  }
  CHECK(total == threads * per_thread * rounds * 2);
  auto s = st->stats();
  CHECK(s.events == total);
  CHECK(s.appends == threads * per_thread * rounds);
  CHECK(s.index_flushes > 0);
  CHECK(*st->version_of(make_id(6, 3003)) == rounds * 2);
}

TEST_CASE("pending index entries are visible before and after a flush", "[persistence][index]") {
  temp_dir dir;
  auto opts = small_options(dir.path());
  opts.index_flush_entries = 1'000'000;
  opts.index_flush_interval = std::chrono::hours(1);
  const std::string id = make_id(6, 1), other = make_id(6, 2);
  {
    auto st = open_store(opts);
    REQUIRE(st->append_sync(make_append(id, 0, 3)).ok());
    REQUIRE(st->append_sync(make_append(other, 0, 1)).ok());
    REQUIRE(st->append_sync(make_append(id, 3, 2)).ok());
    auto s = st->stats();
    CHECK(s.index_pending == 6);
    CHECK(s.index_flushes == 0);
    CHECK(*st->version_of(id) == 5);
    CHECK(st->read_events(id, 2)->size() == 4);
    CHECK(st->load_incident(id)->version == 5);
    CHECK(st->append_sync(make_append(id, 3)).err.code == errc::version_conflict);
    st->close(); // flushes
  }
  {
    auto st = open_store(opts);
    CHECK(st->stats().index_pending == 0);
    CHECK(*st->version_of(id) == 5);
    CHECK(*st->version_of(other) == 1);
    CHECK(st->append_sync(make_append(id, 4)).err.code == errc::version_conflict);
    REQUIRE(st->append_sync(make_append(id, 5, 2)).ok()); // indexed 1..5 + pending 6..7
    CHECK(st->stats().index_pending == 2);
    auto events = st->read_events(id, 1);
    REQUIRE(events->size() == 7);
    for (std::size_t i = 0; i < 7; ++i)
      CHECK((*events)[i].sequence == i + 1);
    CHECK(st->load_incident(id)->version == 7);
  }
  // With a flush after every commit nothing stays pending.
  opts.index_flush_entries = 1;
  auto st = open_store(opts);
  REQUIRE(st->append_sync(make_append(other, 1, 3)).ok());
  // The flush runs on the writer thread right after the callbacks of its commit.
  for (int i = 0; i < 1000 && st->stats().index_pending != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(st->stats().index_pending == 0);
  CHECK(st->stats().index_flushes >= 1);
  CHECK(*st->version_of(other) == 4);
  CHECK(st->read_events(other, 0)->size() == 4);
}

TEST_CASE("the unindexed journal tail is rebuilt on open", "[persistence][index]") {
  temp_dir dir;
  auto opts = small_options(dir.path());
  std::vector<std::string> ids;
  {
    auto st = open_store(opts);
    for (std::uint64_t n = 0; n < 20; ++n) {
      ids.push_back(make_id(static_cast<std::uint16_t>(n % 8), n));
      REQUIRE(st->append_sync(make_append(ids.back(), 0, 1 + n % 4)).ok());
    }
  }
  forget_index(dir.path()); // as if the process died before any index flush

  auto st = open_store(opts);
  CHECK(st->stats().index_pending == 20 + 30); // sum of 1 + n % 4 over n < 20
  for (std::uint64_t n = 0; n < 20; ++n) {
    CHECK(*st->version_of(ids[n]) == 1 + n % 4);
    CHECK(st->read_events(ids[n], 0)->size() == 1 + n % 4);
    CHECK(st->append_sync(make_append(ids[n], 0)).err.code == errc::version_conflict);
  }
  REQUIRE(st->append_sync(make_append(ids[0], 1)).ok());
  CHECK(*st->version_of(ids[0]) == 2);
}

TEST_CASE("wait_for_commit wakes tailers on commits and at close", "[persistence][tail]") {
  temp_dir dir;
  auto st = open_store(small_options(dir.path()));
  const std::uint64_t seen = st->commit_count();
  CHECK(st->wait_for_commit(seen, std::chrono::milliseconds(1)) == seen); // times out

  std::uint64_t woke_with = 0;
  std::thread tailer([&] { woke_with = st->wait_for_commit(seen, std::chrono::seconds(30)); });
  const auto id = make_id(1, 1);
  REQUIRE(st->append_sync(make_append(id, 0)).ok());
  tailer.join();
  CHECK(woke_with > seen);
  CHECK(st->partition_end(1) == 1); // what a woken tailer reads is already published

  const auto start = std::chrono::steady_clock::now();
  std::thread late([&] { st->wait_for_commit(st->commit_count(), std::chrono::seconds(30)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  st->close();
  late.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}
