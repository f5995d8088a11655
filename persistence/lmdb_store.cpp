// The LMDB store: open, reads, and the hand-off of appends to the writer (see lmdb_store.hpp).
// Every read copies the aggregate's pending index entries BEFORE it begins its read txn; the
// writer's ordering (journal_writer.cpp, top comment) makes that combination race-free.
#include "persistence/lmdb_store.hpp"

#include "persistence/codec.hpp"
#include "persistence/index_lookup.hpp"
#include "persistence/keys.hpp"
#include "persistence/recovery.hpp"

#include "domain/ulid.hpp"

#include <algorithm>
#include <filesystem>
#include <future>

namespace tocsin::persistence {

using domain::errc;
using domain::make_error;

namespace {

constexpr unsigned max_dbs = 16;
constexpr unsigned max_readers = 1024; // MDB_NOTLS: one slot per live read txn, not per thread

domain::error closed_error() { return make_error(errc::unavailable, "the store is closed"); }

} // namespace

struct lmdb_store::aggregate_ref {
  keys::aggregate_key id;
  std::uint32_t partition = 0;
  const std::string* text = nullptr;
};

domain::result<std::unique_ptr<store>> store::open(const store_options& options) {
  return lmdb_store::open(options);
}

domain::result<std::unique_ptr<store>> lmdb_store::open(const store_options& o) {
  if (o.partitions == 0 || o.partitions > 65536)
    return make_error(errc::invalid_argument, "store: partitions must be in [1, 65536], got "
                                                + std::to_string(o.partitions));
  if (o.dir.empty())
    return make_error(errc::invalid_argument, "store: no data directory given");
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec)
    return make_error(errc::storage_error, "store: cannot create " + o.dir + ": " + ec.message());

  auto core = std::make_unique<store_core>(o);
  const unsigned flags = MDB_NOTLS | (o.sync == sync_mode::no_sync ? MDB_NOSYNC : 0u);
  if (auto err = core->env.open(o.dir, o.map_size, flags, max_dbs, max_readers);
      err.code != errc::ok)
    return err;
  if (auto err = open_databases(*core); err.code != errc::ok)
    return err;
  auto recovered = recover_partitions(*core);
  if (!recovered)
    return recovered.err();

  std::unique_ptr<lmdb_store> s(new lmdb_store(std::move(core)));
  if (auto err = s->rebuild_pending_catalog(); err.code != errc::ok)
    return err;
  s->writer_ = std::make_unique<journal_writer>(*s->core_, std::move(recovered->next_offset),
                                                std::move(recovered->watermark));
  s->writer_->start();
  return std::unique_ptr<store>(std::move(s));
}

void lmdb_store::close() {
  std::lock_guard<std::mutex> guard(close_mu_);
  if (writer_)
    writer_->stop(); // callbacks may still read: the env stays open until the writer is joined
  {
    std::lock_guard<std::mutex> commit_guard(core_->commit_mu);
    core_->closing = true; // no commit will come: release the tailers now
  }
  core_->commit_cv.notify_all();
  std::unique_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return;
  closed_ = true;
  core_->env.close();
}

std::string deadline_key(domain::timestamp at, const std::string& incident_id) {
  keys::u64_value t(static_cast<std::uint64_t>(at < 0 ? 0 : at));
  std::string k(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
  return k + incident_id;
}

std::string encode_u64(std::uint64_t v) {
  keys::u64_value b(v);
  return std::string(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size());
}

std::uint64_t decode_u64(std::string_view bytes) {
  return bytes.size() == 8 ? keys::read_u64(bytes.data()) : 0;
}

void lmdb_store::write(std::vector<kv_op> ops, write_callback done) {
  writer_->submit(std::move(ops), std::move(done));
}

domain::error lmdb_store::write_sync(std::vector<kv_op> ops) {
  auto promise = std::make_shared<std::promise<domain::error>>();
  auto future = promise->get_future();
  write(std::move(ops), [promise](domain::error e) { promise->set_value(std::move(e)); });
  return future.get();
}

domain::result<std::optional<std::string>> lmdb_store::get(kv_db db, const std::string& key) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  MDB_val k = lmdb::val(key), d{};
  int rc = mdb_get(t.get(), core_->dbs.of(db), &k, &d);
  if (rc == MDB_NOTFOUND)
    return std::optional<std::string>{};
  if (rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "kv get");
  return std::optional<std::string>{std::string(lmdb::view(d))};
}

domain::result<std::vector<std::pair<std::string, std::string>>>
lmdb_store::scan(kv_db db, const std::string& prefix, const std::string& from, std::size_t limit) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  lmdb::cursor c;
  if (int rc = c.open(t.get(), core_->dbs.of(db)); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening a kv cursor");
  std::vector<std::pair<std::string, std::string>> out;
  const std::string& start = from.empty() || from < prefix ? prefix : from;
  MDB_val k = lmdb::val(start), d{};
  int rc = start.empty() ? c.get(k, d, MDB_FIRST) : c.get(k, d, MDB_SET_RANGE);
  for (; rc == MDB_SUCCESS && out.size() < limit; rc = c.get(k, d, MDB_NEXT)) {
    auto key = lmdb::view(k);
    if (key.compare(0, prefix.size(), prefix) != 0)
      break;
    out.emplace_back(std::string(key), std::string(lmdb::view(d)));
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
    return lmdb::to_error(rc, "kv scan");
  return out;
}

domain::result<std::vector<deadline_entry>> lmdb_store::due_deadlines(domain::timestamp up_to,
                                                                      std::size_t limit) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  lmdb::cursor c;
  if (int rc = c.open(t.get(), core_->dbs.deadlines); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening a deadline cursor");
  std::vector<deadline_entry> out;
  MDB_val k{}, d{};
  int rc = c.get(k, d, MDB_FIRST);
  // Keys are in time order, so the walk ends at the first entry that is not yet due.
  for (; rc == MDB_SUCCESS && out.size() < limit; rc = c.get(k, d, MDB_NEXT)) {
    if (k.mv_size < 8 || d.mv_size != 8)
      return make_error(errc::corrupt_record, "deadline index entry of length "
                                                + std::to_string(k.mv_size) + " is malformed");
    const auto at = static_cast<domain::timestamp>(
      keys::get_be(static_cast<const std::uint8_t*>(k.mv_data), 8));
    if (at > up_to)
      break;
    out.push_back({at, std::string(lmdb::view(k).substr(8)), keys::read_u64(d.mv_data)});
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
    return lmdb::to_error(rc, "deadline scan");
  return out;
}

domain::error lmdb_store::rebuild_pending_catalog() {
  // Bounded like the unindexed tail itself (index_flush_entries), so start-up stays bounded.
  std::vector<incident_summary> rows;
  for (const auto& id : core_->pending.ids()) {
    auto text = domain::ulid{id}.str();
    auto state = load_incident(text);
    if (!state)
      return state.err();
    rows.push_back(summarize(*state));
  }
  core_->catalog.add(rows);
  return {};
}

domain::result<incident_page> lmdb_store::list_incidents(const incident_filter& filter) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  auto pending = core_->catalog.copy_tenant(filter.tenant); // before the txn (top comment)
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  return list_catalog(t.get(), core_->dbs, std::move(pending), filter);
}

domain::result<std::vector<incident_count>> lmdb_store::count_incidents() {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  auto pending = core_->catalog.copy_all(); // before the txn, as for list_incidents
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  return count_catalog(t.get(), core_->dbs, std::move(pending));
}

std::uint64_t lmdb_store::commit_count() {
  return core_->counters.commits.load(std::memory_order_acquire);
}

std::uint64_t lmdb_store::wait_for_commit(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(core_->commit_mu);
  core_->commit_cv.wait_for(lock, timeout, [&] {
    return core_->closing || commit_count() > seen;
  });
  return commit_count();
}

void lmdb_store::append(append_request req, append_callback done) {
  writer_->submit(std::move(req), std::move(done));
}

append_result lmdb_store::append_sync(append_request req) {
  auto promise = std::make_shared<std::promise<append_result>>();
  auto future = promise->get_future();
  append(std::move(req), [promise](append_result r) { promise->set_value(std::move(r)); });
  return future.get();
}

domain::result<lmdb_store::aggregate_ref>
lmdb_store::resolve(const std::string& aggregate_id) const {
  auto id = domain::parse_ulid(aggregate_id);
  if (!id)
    return make_error(errc::invalid_argument,
                      "bad aggregate id '" + aggregate_id + "': " + id.err().message);
  if (id->partition() >= core_->options.partitions)
    return make_error(errc::invalid_argument, "aggregate id " + aggregate_id
                                                + " names a partition this store does not have");
  return aggregate_ref{id->bytes, id->partition(), &aggregate_id};
}

domain::result<std::uint64_t> lmdb_store::version_of(const std::string& aggregate_id) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  auto ref = resolve(aggregate_id);
  if (!ref)
    return ref.err();
  const auto pending = core_->pending.newest(ref->id); // before the txn (see the top comment)
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  lmdb::cursor c;
  if (int rc = c.open(t.get(), core_->dbs.agg_index); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening an agg_index cursor");
  std::uint64_t indexed = 0;
  if (int rc = last_indexed_sequence(c, ref->id, indexed); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "reading agg_index");
  return std::max(indexed, pending.value_or(0));
}

domain::error lmdb_store::collect_events(MDB_txn* t, const aggregate_ref& ref, std::uint64_t from,
                                         const std::vector<index_entry>& pending,
                                         std::vector<domain::envelope>& out) const {
  std::vector<index_entry> entries;
  {
    lmdb::cursor c;
    if (int rc = c.open(t, core_->dbs.agg_index); rc != MDB_SUCCESS)
      return lmdb::to_error(rc, "opening an agg_index cursor");
    if (int rc = indexed_entries(c, ref.id, from, entries); rc != MDB_SUCCESS)
      return rc == MDB_CORRUPTED
               ? make_error(errc::corrupt_record, "agg_index entry of " + *ref.text + " is malformed")
               : lmdb::to_error(rc, "reading agg_index");
  }
  merge_pending(entries, pending, from);
  out.clear();
  out.resize(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    keys::journal_key jk(ref.partition, e.offset);
    MDB_val k = lmdb::val(jk.bytes.data(), jk.bytes.size()), d{};
    const std::string name = journal_record_name(ref.partition, e.offset);
    int rc = mdb_get(t, core_->dbs.journal, &k, &d);
    if (rc == MDB_NOTFOUND)
      return make_error(errc::corrupt_record, "agg_index entry (" + *ref.text + ", sequence "
                                                + std::to_string(e.sequence) + ") points at "
                                                + name + ", which does not exist");
    if (rc != MDB_SUCCESS)
      return lmdb::to_error(rc, "reading " + name);
    auto& env = out[i];
    if (auto err = decode_envelope(lmdb::view(d), env); err.code != errc::ok)
      return make_error(errc::corrupt_record, name + " is corrupt: " + err.message);
    if (env.sequence != e.sequence || env.aggregate_id != *ref.text)
      return make_error(errc::corrupt_record, name + " holds " + env.aggregate_id + " sequence "
                                                + std::to_string(env.sequence) + ", expected "
                                                + *ref.text + " sequence "
                                                + std::to_string(e.sequence));
    if (i > 0 && env.sequence != out[i - 1].sequence + 1)
      return make_error(errc::corrupt_record, "aggregate " + *ref.text + " lacks sequence "
                                                + std::to_string(out[i - 1].sequence + 1));
  }
  return {};
}

domain::result<std::vector<domain::envelope>>
lmdb_store::read_events(const std::string& aggregate_id, std::uint64_t from_sequence) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  auto ref = resolve(aggregate_id);
  if (!ref)
    return ref.err();
  const auto pending = core_->pending.copy(ref->id, from_sequence); // before the txn
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  std::vector<domain::envelope> out;
  if (auto err = collect_events(t.get(), *ref, from_sequence, pending, out); err.code != errc::ok)
    return err;
  return out;
}

domain::result<domain::incident_state> lmdb_store::load_incident(const std::string& aggregate_id) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  auto ref = resolve(aggregate_id);
  if (!ref)
    return ref.err();
  const auto pending = core_->pending.copy(ref->id, 0); // before the txn
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");

  domain::incident_state state;
  bool have_snapshot = false;
  MDB_val k = lmdb::val(ref->id.data(), ref->id.size()), d{};
  if (int rc = mdb_get(t.get(), core_->dbs.snapshots, &k, &d); rc == MDB_SUCCESS) {
    if (auto err = decode_snapshot(lmdb::view(d), state); err.code != errc::ok)
      return make_error(errc::corrupt_record,
                        "snapshots record of " + aggregate_id + " is corrupt: " + err.message);
    have_snapshot = true;
  } else if (rc != MDB_NOTFOUND) {
    return lmdb::to_error(rc, "reading the snapshot of " + aggregate_id);
  }

  std::vector<domain::envelope> events;
  if (auto err = collect_events(t.get(), *ref, state.version + 1, pending, events);
      err.code != errc::ok)
    return err;
  if (!have_snapshot && events.empty())
    return make_error(errc::not_found, "no incident " + aggregate_id);
  if (!events.empty() && events.front().sequence != state.version + 1)
    return make_error(errc::corrupt_record, "aggregate " + aggregate_id + " lacks sequence "
                                              + std::to_string(state.version + 1));
  for (const auto& ev : events)
    state = domain::apply(std::move(state), ev.payload);
  return state;
}

domain::result<std::vector<journal_record>>
lmdb_store::read_partition(std::uint32_t partition, std::uint64_t from_offset, std::size_t limit) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  if (partition >= core_->options.partitions)
    return make_error(errc::invalid_argument, "no partition " + std::to_string(partition));
  std::vector<journal_record> out;
  if (limit == 0)
    return out;
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  lmdb::cursor c;
  if (int rc = c.open(t.get(), core_->dbs.journal); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening a journal cursor");
  out.reserve(std::min<std::size_t>(limit, 1024));
  keys::journal_key probe(partition, from_offset);
  MDB_val k = lmdb::val(probe.bytes.data(), probe.bytes.size()), d{};
  int rc = c.get(k, d, MDB_SET_RANGE);
  for (; rc == MDB_SUCCESS && out.size() < limit; rc = c.get(k, d, MDB_NEXT)) {
    if (k.mv_size != keys::journal_key::size || keys::journal_partition(k.mv_data) != partition)
      break;
    journal_record rec;
    rec.partition = partition;
    rec.offset = keys::journal_offset(k.mv_data);
    if (auto err = decode_envelope(lmdb::view(d), rec.env); err.code != errc::ok)
      return make_error(errc::corrupt_record, journal_record_name(partition, rec.offset)
                                                + " is corrupt: " + err.message);
    out.push_back(std::move(rec));
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
    return lmdb::to_error(rc, "reading partition " + std::to_string(partition));
  return out;
}

std::uint64_t lmdb_store::partition_end(std::uint32_t partition) {
  if (partition >= core_->options.partitions)
    return 0;
  return core_->partition_end[partition].load(std::memory_order_acquire);
}

domain::result<std::optional<std::string>> lmdb_store::find_open(const domain::dedup_key& key) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (closed_)
    return closed_error();
  lmdb::txn t;
  if (int rc = t.begin(core_->env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning a read txn");
  const std::string encoded = key.encode();
  MDB_val k = lmdb::val(encoded), d{};
  int rc = mdb_get(t.get(), core_->dbs.dedup, &k, &d);
  if (rc == MDB_NOTFOUND)
    return std::optional<std::string>{};
  if (rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "reading the dedup index");
  return std::optional<std::string>{std::string(lmdb::view(d))};
}

store_stats lmdb_store::stats() {
  const auto& c = core_->counters;
  store_stats s;
  s.commits = c.commits.load(std::memory_order_relaxed);
  s.appends = c.appends.load(std::memory_order_relaxed);
  s.events = c.events.load(std::memory_order_relaxed);
  s.refused_full = c.refused_full.load(std::memory_order_relaxed);
  s.conflicts = c.conflicts.load(std::memory_order_relaxed);
  s.index_flushes = c.index_flushes.load(std::memory_order_relaxed);
  s.index_pending = core_->pending.size();
  for (std::size_t b = 0; b < commit_latency_buckets; ++b)
    s.commit_latency[b] = c.commit_latency[b].load(std::memory_order_relaxed);
  s.commit_latency_sum_ns = c.commit_latency_sum_ns.load(std::memory_order_relaxed);
  return s;
}

} // namespace tocsin::persistence
