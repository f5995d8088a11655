// Failure behaviour of the LMDB store: kill -9 in the middle of a stream of appends, a full map,
// corrupt records, and the refusal to reopen with another partition count.
#include "persistence/keys.hpp"
#include "store_fixture.hpp"

#include <catch2/catch.hpp>
#include <lmdb.h>

#include <csignal>
#include <map>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tocsin;
using namespace tocsin::persistence;
using namespace tocsin::persistence::test;
using domain::errc;

namespace {

/// The seq-th event of a legal history: open, then escalate → engage → note, repeated.
domain::envelope stream_event(const std::string& id, std::uint64_t seq) {
  const auto at = t0 + static_cast<domain::timestamp>(seq);
  if (seq == 1)
    return envelope_of(id, 1, opened_event(id));
  switch ((seq - 2) % 3) {
    case 0: return envelope_of(id, seq, domain::incident_escalated{domain::escalation_reason::timer, "timer", at});
    case 1: return envelope_of(id, seq, domain::on_call_engaged{"oncall", at});
    default: return envelope_of(id, seq, domain::note_added{"n" + std::to_string(seq), "x", at});
  }
}

struct ack {
  std::uint64_t aggregate;
  std::uint64_t sequence;
};

constexpr int stream_aggregates = 16;

/// Child side of the crash test: chains one append per aggregate (the next is submitted from the
/// callback of the previous, like an incident actor) and reports each acknowledged (agg, seq).
[[noreturn]] void run_stream_child(const store_options& opts, int fd) {
  auto opened = store::open(opts);
  if (!opened)
    ::_exit(2);
  store* st = opened->get();
  struct chain {
    std::string id;
    domain::incident_state state;
  };
  static std::vector<chain> chains; // touched only from the writer thread once started
  for (int i = 0; i < stream_aggregates; ++i)
    chains.push_back({make_id(static_cast<std::uint16_t>(i % 4), 500 + i), {}});
  // Recursive submission through a plain function pointer keeps the callback allocation small.
  static std::function<void(int)> submit;
  submit = [st, fd](int i) {
    auto& c = chains[static_cast<std::size_t>(i)];
    append_request req;
    req.aggregate_id = c.id;
    req.expected_version = c.state.version;
    req.events.push_back(stream_event(c.id, c.state.version + 1));
    auto next = domain::apply(c.state, req.events[0].payload);
    if (next.version % 7 == 0)
      req.snapshot = next;
    st->append(std::move(req), [i, fd, next](append_result r) {
      if (!r.ok())
        ::_exit(3);
      chains[static_cast<std::size_t>(i)].state = next;
      ack a{static_cast<std::uint64_t>(i), next.version};
      if (::write(fd, &a, sizeof a) != sizeof a)
        ::_exit(4);
      submit(i);
    });
  };
  for (int i = 0; i < stream_aggregates; ++i)
    submit(i);
  for (;;)
    ::pause();
}

} // namespace

TEST_CASE("kill -9 mid-stream: every acknowledged event survives intact", "[persistence][crash]") {
  temp_dir dir;
  auto opts = small_options(dir.path(), 4);
  opts.sync = sync_mode::durable;
  opts.index_flush_entries = 300; // some of the stream indexed, a tail left pending
  opts.index_flush_interval = std::chrono::milliseconds(20);

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork(); // no thread runs in this process yet
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    run_stream_child(opts, fds[1]);
  }
  ::close(fds[1]);

  std::map<std::uint64_t, std::uint64_t> acked; // aggregate → highest acknowledged sequence
  std::size_t count = 0;
  bool killed = false;
  ack a{};
  for (;;) {
    if (!killed && count >= 2500) {
      ::kill(child, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (!killed && ::poll(&p, 1, 20'000) <= 0)
      FAIL("the child stopped acknowledging");
    const ssize_t n = ::read(fds[0], &a, sizeof a);
    if (n == 0)
      break; // the child is dead and the pipe drained
    REQUIRE(n == static_cast<ssize_t>(sizeof a));
    REQUIRE(a.sequence == acked[a.aggregate] + 1); // acknowledged in order, one at a time
    acked[a.aggregate] = a.sequence;
    ++count;
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  REQUIRE(acked.size() == stream_aggregates);

  auto st = open_store(opts);
  std::map<std::uint32_t, std::uint64_t> per_partition;
  for (const auto& [agg, seq] : acked) {
    const std::string id = make_id(static_cast<std::uint16_t>(agg % 4), 500 + agg);
    const std::uint64_t version = *st->version_of(id);
    CHECK(version >= seq); // at most the in-flight append beyond the last acknowledgement
    CHECK(version <= seq + 1);
    auto events = st->read_events(id, 1);
    REQUIRE(events.ok());
    REQUIRE(events->size() == version);
    domain::incident_state folded;
    for (std::uint64_t s = 1; s <= version; ++s) {
      CHECK((*events)[s - 1] == stream_event(id, s));
      folded = domain::apply(std::move(folded), (*events)[s - 1].payload);
    }
    auto loaded = st->load_incident(id);
    REQUIRE(loaded.ok());
    CHECK(*loaded == folded);
    per_partition[partition_of_id(id)] += version;
    // The store goes on from there.
    CHECK(st->append_sync([&] {
               append_request r;
               r.aggregate_id = id;
               r.expected_version = version;
               r.events.push_back(stream_event(id, version + 1));
               return r;
             }())
            .ok());
    per_partition[partition_of_id(id)] += 1;
  }
  for (const auto& [p, n] : per_partition)
    CHECK(st->partition_end(p) == n);
}

TEST_CASE("a full map refuses writes cleanly and reads go on", "[persistence][full]") {
  temp_dir dir;
  auto opts = small_options(dir.path(), 4);
  opts.map_size = std::size_t{1} << 20;
  opts.index_flush_entries = 64;
  std::map<std::string, std::uint64_t> acked;
  domain::error full;
  {
    auto st = open_store(opts);
    const std::string big(600, 'x');
    for (std::uint64_t n = 0; n < 100'000 && full.code == errc::ok; ++n) {
      const std::string id = make_id(static_cast<std::uint16_t>(n % 4), n / 3);
      const auto known = acked.find(id);
      auto req = make_append(id, known == acked.end() ? 0 : known->second);
      if (req.events[0].sequence > 1)
        std::get<domain::note_added>(req.events[0].payload).text = big;
      auto r = st->append_sync(req);
      if (r.ok())
        acked[id] += 1;
      else
        full = r.err;
    }
    REQUIRE(full.code == errc::storage_full);
    CHECK(full.message.find("map is full") != std::string::npos);
    CHECK(full.message.find(std::to_string(opts.map_size)) != std::string::npos);
    CHECK(st->stats().refused_full >= 1);
    CHECK(acked.size() > 10);

    // Still full, still clean; reads see everything acknowledged.
    CHECK(st->append_sync(make_append(make_id(0, 777'777), 0)).err.code == errc::storage_full);
    for (const auto& [id, version] : acked) {
      CHECK(*st->version_of(id) == version);
      auto events = st->read_events(id, 1);
      REQUIRE(events.ok());
      CHECK(events->size() == version);
    }
  }
  // And after a reopen (the final index flush may well have failed: the tail is rebuilt).
  auto st = open_store(opts);
  std::uint64_t total = 0;
  for (const auto& [id, version] : acked) {
    CHECK(*st->version_of(id) == version);
    auto loaded = st->load_incident(id);
    INFO(id << ": " << (loaded.ok() ? "" : loaded.err().message));
    REQUIRE(loaded.ok());
    CHECK(loaded->version == version);
    total += version;
  }
  std::uint64_t ends = 0;
  for (std::uint32_t p = 0; p < 4; ++p)
    ends += st->partition_end(p);
  CHECK(ends == total);
}

TEST_CASE("a corrupt journal record is reported with its key, never skipped", "[persistence][corrupt]") {
  temp_dir dir;
  auto opts = small_options(dir.path());
  const std::string id = make_id(5, 1);
  {
    auto st = open_store(opts);
    REQUIRE(st->append_sync(make_append(id, 0, 4)).ok());
  }
  { // Overwrite offset 2 of partition 5 with garbage through raw LMDB.
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 16);
    REQUIRE(mdb_env_open(env, dir.path().c_str(), 0, 0644) == 0);
    MDB_txn* t = nullptr;
    REQUIRE(mdb_txn_begin(env, nullptr, 0, &t) == 0);
    MDB_dbi journal = 0;
    REQUIRE(mdb_dbi_open(t, "journal", 0, &journal) == 0);
    keys::journal_key jk(5, 2);
    char garbage[] = "\xff\xff\xff\xff not a protobuf";
    MDB_val k{jk.bytes.size(), jk.bytes.data()}, v{sizeof garbage, garbage};
    REQUIRE(mdb_put(t, journal, &k, &v, 0) == 0);
    REQUIRE(mdb_txn_commit(t) == 0);
    mdb_env_close(env);
  }
  auto st = open_store(opts);
  auto events = st->read_events(id, 1);
  REQUIRE(!events.ok());
  CHECK(events.err().code == errc::corrupt_record);
  CHECK(events.err().message.find("partition 5, offset 2") != std::string::npos);
  CHECK(st->load_incident(id).err().code == errc::corrupt_record);
  auto part = st->read_partition(5, 0, 10);
  REQUIRE(!part.ok());
  CHECK(part.err().message.find("partition 5, offset 2") != std::string::npos);
  // Records before and after it still read.
  CHECK(st->read_events(id, 4)->size() == 1);
  CHECK(st->read_partition(5, 0, 2)->size() == 2);
  CHECK(st->read_partition(5, 3, 10)->size() == 1);
}
