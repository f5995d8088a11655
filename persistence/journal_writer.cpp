// Group commit and the trailing aggregate index (see journal_writer.hpp).
//
// Visibility protocol with readers (lmdb_store.cpp): the writer adds a commit's index entries to
// the pending index only AFTER mdb_txn_commit returned, and removes flushed entries only AFTER
// the flush transaction committed. A reader copies the pending entries first and opens its read
// txn second, so every entry acknowledged before the read is either in its copy (its journal
// record committed earlier, hence visible to the later txn) or was cleared by a flush that
// committed before the copy, hence is in agg_index as seen by that txn.
#include "persistence/journal_writer.hpp"

#include "persistence/codec.hpp"
#include "persistence/index_lookup.hpp"

#include "domain/ulid.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace tocsin::persistence {

using domain::errc;
using domain::make_error;

std::size_t journal_writer::key_hash::operator()(const keys::aggregate_key& k) const {
  std::uint64_t v; // bytes 8..15 of a ULID are random
  std::memcpy(&v, k.data() + 8, sizeof v);
  return static_cast<std::size_t>(v);
}

journal_writer::journal_writer(store_core& core, std::vector<std::uint64_t> next_offset,
                               std::vector<std::uint64_t> watermark)
    : core_(core), next_offset_(std::move(next_offset)), watermark_(std::move(watermark)) {
  for (std::uint32_t p = 0; p < core_.options.partitions; ++p)
    core_.partition_end[p].store(next_offset_[p], std::memory_order_release);
}

void journal_writer::start() {
  std::lock_guard<std::mutex> guard(mu_);
  if (started_)
    return;
  started_ = true;
  next_flush_ = clock::now() + core_.options.index_flush_interval;
  thread_ = std::thread([this] { run(); });
}

void journal_writer::submit(append_request req, append_callback done) {
  queued q;
  q.req = std::move(req);
  q.done = std::move(done);
  enqueue(std::move(q));
}

void journal_writer::submit(std::vector<kv_op> ops, write_callback done) {
  queued q;
  q.is_kv = true;
  q.ops = std::move(ops);
  q.kv_done = std::move(done);
  enqueue(std::move(q));
}

void journal_writer::enqueue(queued q) {
  domain::error refused;
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (stopping_ || !started_) {
      refused = make_error(errc::unavailable, "the store is closed");
    } else if (queue_.size() >= core_.options.max_queue) {
      refused = make_error(errc::overloaded, "journal writer queue is full ("
                                               + std::to_string(queue_.size()) + " appends)");
    } else {
      queue_.push_back(std::move(q));
      cv_.notify_one();
      return;
    }
  }
  if (q.is_kv) {
    if (q.kv_done)
      q.kv_done(std::move(refused));
  } else if (q.done) {
    q.done(append_result{std::move(refused), {}});
  }
}

domain::error journal_writer::write_kv(MDB_txn* t, const std::vector<kv_op>& ops) {
  for (const auto& op : ops) {
    MDB_dbi dbi = core_.dbs.of(op.db);
    MDB_val k = lmdb::val(op.key);
    int rc;
    if (op.kind == kv_op::put) {
      MDB_val d = lmdb::val(op.value);
      rc = mdb_put(t, dbi, &k, &d, 0);
    } else {
      rc = mdb_del(t, dbi, &k, nullptr);
      if (rc == MDB_NOTFOUND)
        rc = MDB_SUCCESS;
    }
    if (rc != MDB_SUCCESS)
      return rc == MDB_MAP_FULL ? storage_full("kv write") : lmdb::to_error(rc, "kv write");
  }
  return {};
}

void journal_writer::stop() {
  {
    std::lock_guard<std::mutex> guard(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable())
    thread_.join();
}

void journal_writer::run() {
  std::vector<queued> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (queue_.empty() && !stopping_) {
        if (core_.pending.size() == 0) {
          cv_.wait(lock);
        } else if (cv_.wait_until(lock, next_flush_) == std::cv_status::timeout) {
          break;
        }
      }
      if (queue_.empty() && stopping_)
        break;
      const std::size_t take = std::max<std::size_t>(1, core_.options.max_batch);
      if (queue_.size() <= take) {
        batch.swap(queue_); // ping-pong the two vectors: both keep their capacity
      } else {
        auto end = queue_.begin() + static_cast<std::ptrdiff_t>(take);
        std::move(queue_.begin(), end, std::back_inserter(batch));
        queue_.erase(queue_.begin(), end);
      }
    }
    if (!batch.empty()) {
      commit_batch(batch);
      batch.clear();
    }
    maybe_flush_index();
  }
  if (core_.pending.size() > 0)
    flush_index(); // a failure is harmless: open() rebuilds the tail from the watermark
}

domain::error journal_writer::storage_full(std::string_view what) const {
  return make_error(errc::storage_full,
                    "LMDB map is full (" + std::string(what) + "; configured map_size "
                      + std::to_string(core_.options.map_size)
                      + " bytes): write refused, reads go on; raise map_size");
}

domain::error journal_writer::validate(const append_request& req, keys::aggregate_key& id,
                                       std::uint32_t& partition) const {
  auto parsed = domain::parse_ulid(req.aggregate_id);
  if (!parsed)
    return make_error(errc::invalid_argument, "append: bad aggregate id '" + req.aggregate_id
                                                + "': " + parsed.err().message);
  id = parsed->bytes;
  partition = parsed->partition();
  if (partition >= core_.options.partitions)
    return make_error(errc::invalid_argument,
                      "append: aggregate " + req.aggregate_id + " names partition "
                        + std::to_string(partition) + " but the store has "
                        + std::to_string(core_.options.partitions));
  std::uint64_t seq = req.expected_version;
  for (const auto& ev : req.events) {
    ++seq;
    if (ev.sequence != seq || ev.aggregate_id != req.aggregate_id || ev.partition != partition)
      return make_error(errc::invalid_argument,
                        "append to " + req.aggregate_id + ": event " + ev.event_id
                          + " must have sequence " + std::to_string(seq) + ", partition "
                          + std::to_string(partition) + " and this aggregate id");
  }
  if (req.snapshot && (req.snapshot->version != seq || req.snapshot->id != req.aggregate_id))
    return make_error(errc::invalid_argument, "append to " + req.aggregate_id
                                                + ": snapshot must be of this aggregate at version "
                                                + std::to_string(seq));
  return {};
}

domain::error journal_writer::current_version(lmdb::cursor& idx, const keys::aggregate_key& id,
                                              std::uint64_t& out) const {
  if (auto i = batch_versions_.find(id); i != batch_versions_.end()) {
    out = i->second;
    return {};
  }
  if (auto v = core_.pending.last_sequence(id)) {
    out = *v;
    return {};
  }
  if (int rc = last_indexed_sequence(idx, id, out); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "reading agg_index");
  return {};
}

domain::error journal_writer::write_request(MDB_txn* t, const append_request& req,
                                            const keys::aggregate_key& id,
                                            std::uint32_t partition, append_result& r) {
  r.offsets.reserve(req.events.size());
  for (const auto& ev : req.events) {
    encode_envelope(ev, buf_);
    const std::uint64_t offset = batch_offset_[partition];
    keys::journal_key jk(partition, offset);
    MDB_val k = lmdb::val(jk.bytes.data(), jk.bytes.size());
    MDB_val d = lmdb::val(buf_);
    if (int rc = mdb_put(t, core_.dbs.journal, &k, &d, MDB_NOOVERWRITE); rc != MDB_SUCCESS)
      return rc == MDB_MAP_FULL ? storage_full("journal put") : lmdb::to_error(rc, "journal put");
    ++batch_offset_[partition];
    r.offsets.push_back(offset);
    new_entries_.push_back(keyed_index_entry{id, ev.sequence, offset});
  }
  for (const auto& op : req.dedup) {
    const std::string key = op.key.encode();
    MDB_val k = lmdb::val(key);
    int rc;
    if (op.kind == dedup_op::put) {
      MDB_val d = lmdb::val(op.incident_id);
      rc = mdb_put(t, core_.dbs.dedup, &k, &d, 0);
    } else {
      rc = mdb_del(t, core_.dbs.dedup, &k, nullptr);
      if (rc == MDB_NOTFOUND)
        rc = MDB_SUCCESS;
    }
    if (rc != MDB_SUCCESS)
      return rc == MDB_MAP_FULL ? storage_full("dedup write") : lmdb::to_error(rc, "dedup write");
  }
  if (req.deadline) {
    // Keyed by time: a near-append write, and the wake-up service reads it in time order.
    const auto key = deadline_key(*req.deadline, req.aggregate_id);
    keys::u64_value version(req.expected_version + req.events.size());
    MDB_val k = lmdb::val(key);
    MDB_val d = lmdb::val(version.bytes.data(), version.bytes.size());
    if (int rc = mdb_put(t, core_.dbs.deadlines, &k, &d, 0); rc != MDB_SUCCESS)
      return rc == MDB_MAP_FULL ? storage_full("deadline put") : lmdb::to_error(rc, "deadline put");
  }
  if (req.snapshot) {
    encode_snapshot(*req.snapshot, buf_);
    MDB_val k = lmdb::val(id.data(), id.size());
    MDB_val d = lmdb::val(buf_);
    if (int rc = mdb_put(t, core_.dbs.snapshots, &k, &d, 0); rc != MDB_SUCCESS)
      return rc == MDB_MAP_FULL ? storage_full("snapshot put") : lmdb::to_error(rc, "snapshot put");
  }
  return {};
}

void journal_writer::commit_batch(std::vector<queued>& batch) {
  const std::size_t n = batch.size();
  results_.clear();
  results_.resize(n);
  batch_versions_.clear();
  new_entries_.clear();
  new_summaries_.clear();
  batch_offset_ = next_offset_;

  domain::error batch_err;
  std::size_t written = 0; // requests whose writes are in the txn
  std::uint64_t events = 0;
  std::uint64_t conflicts = 0;
  const auto began = clock::now(); // commit latency: txn begin to durable commit
  lmdb::txn t;
  if (int rc = t.begin(core_.env.get(), false); rc != MDB_SUCCESS)
    batch_err = lmdb::to_error(rc, "beginning a write txn");
  if (batch_err.code == errc::ok) {
    lmdb::cursor idx;
    if (int rc = idx.open(t.get(), core_.dbs.agg_index); rc != MDB_SUCCESS)
      batch_err = lmdb::to_error(rc, "opening an agg_index cursor");
    for (std::size_t i = 0; i < n && batch_err.code == errc::ok; ++i) {
      if (batch[i].is_kv) {
        batch_err = write_kv(t.get(), batch[i].ops);
        continue;
      }
      const append_request& req = batch[i].req;
      append_result& r = results_[i];
      keys::aggregate_key id;
      std::uint32_t partition = 0;
      std::uint64_t current = 0;
      if (r.err = validate(req, id, partition); r.err.code != errc::ok)
        continue;
      if (r.err = current_version(idx, id, current); r.err.code != errc::ok)
        continue;
      if (current != req.expected_version) {
        r.err = make_error(errc::version_conflict,
                           "aggregate " + req.aggregate_id + " is at version "
                             + std::to_string(current) + ", the append expected "
                             + std::to_string(req.expected_version));
        ++conflicts;
        continue;
      }
      if (batch_err = write_request(t.get(), req, id, partition, r); batch_err.code != errc::ok)
        break;
      batch_versions_[id] = req.expected_version + req.events.size();
      if (req.summary)
        new_summaries_.push_back(*req.summary);
      events += req.events.size();
      ++written;
    }
  }
  if (batch_err.code == errc::ok) {
    if (int rc = t.commit(); rc != MDB_SUCCESS)
      batch_err = rc == MDB_MAP_FULL ? storage_full("commit") : lmdb::to_error(rc, "commit");
  } else {
    t.abort();
  }

  core_.counters.conflicts.fetch_add(conflicts, std::memory_order_relaxed);
  if (batch_err.code != errc::ok) {
    // Requests refused on their own keep their answer; the rest were never written.
    std::uint64_t refused = 0;
    for (auto& r : results_) {
      if (r.err.code != errc::ok)
        continue;
      r.err = batch_err;
      r.offsets.clear();
      ++refused;
    }
    if (batch_err.code == errc::storage_full)
      core_.counters.refused_full.fetch_add(refused, std::memory_order_relaxed);
  } else {
    core_.counters.record_commit(clock::now() - began);
    next_offset_.swap(batch_offset_);
    for (std::uint32_t p = 0; p < core_.options.partitions; ++p)
      core_.partition_end[p].store(next_offset_[p], std::memory_order_release);
    core_.pending.add(new_entries_); // before the callbacks: an acknowledged event is readable
    core_.catalog.add(new_summaries_);
    core_.counters.appends.fetch_add(written, std::memory_order_relaxed);
    core_.counters.events.fetch_add(events, std::memory_order_relaxed);
    core_.counters.commits.fetch_add(1, std::memory_order_release); // last: tailers key on it
    core_.notify_commit();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (batch[i].is_kv) {
      if (batch[i].kv_done)
        batch[i].kv_done(batch_err);
    } else if (batch[i].done) {
      batch[i].done(std::move(results_[i]));
    }
  }
}

void journal_writer::maybe_flush_index() {
  const std::size_t pending = core_.pending.size();
  if (pending == 0)
    return;
  const auto now = clock::now();
  if (pending >= core_.options.index_flush_entries || now >= next_flush_) {
    if (flush_index().code != errc::ok) // e.g. map full: retry one interval later, not per batch
      next_flush_ = now + core_.options.index_flush_interval;
  }
}

domain::error journal_writer::flush_index() {
  core_.pending.collect_sorted(flush_entries_);
  lmdb::txn t;
  if (int rc = t.begin(core_.env.get(), false); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning the index flush txn");
  {
    lmdb::cursor c;
    if (int rc = c.open(t.get(), core_.dbs.agg_index); rc != MDB_SUCCESS)
      return lmdb::to_error(rc, "opening an agg_index cursor");
    for (const auto& e : flush_entries_) {
      keys::index_key ik(e.id, e.sequence);
      keys::u64_value off(e.offset);
      MDB_val k = lmdb::val(ik.bytes.data(), ik.bytes.size());
      MDB_val d = lmdb::val(off.bytes.data(), off.bytes.size());
      if (int rc = c.put(k, d, 0); rc != MDB_SUCCESS)
        return lmdb::to_error(rc, "agg_index flush");
    }
  }
  core_.catalog.collect(flush_summaries_);
  if (auto err = write_summaries(t.get(), core_.dbs, flush_summaries_, buf_); err.code != errc::ok)
    return err;
  // The watermark moves in the same txn: below it, every journal record has its index entry
  // and every incident its catalog row.
  for (std::uint32_t p = 0; p < core_.options.partitions; ++p) {
    if (next_offset_[p] == watermark_[p])
      continue;
    const std::string key = keys::meta_watermark(p);
    keys::u64_value wm(next_offset_[p]);
    MDB_val k = lmdb::val(key);
    MDB_val d = lmdb::val(wm.bytes.data(), wm.bytes.size());
    if (int rc = mdb_put(t.get(), core_.dbs.meta, &k, &d, 0); rc != MDB_SUCCESS)
      return lmdb::to_error(rc, "watermark put");
  }
  if (int rc = t.commit(); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "index flush commit");
  core_.pending.clear(); // only now: see the visibility protocol at the top of this file
  core_.catalog.clear(); // (same protocol: list_incidents copies pending rows first)
  watermark_ = next_offset_;
  core_.counters.index_flushes.fetch_add(1, std::memory_order_relaxed);
  next_flush_ = clock::now() + core_.options.index_flush_interval;
  return {};
}

} // namespace tocsin::persistence
