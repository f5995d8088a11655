// The store's single writer: a bounded queue drained by one dedicated thread that commits up to
// max_batch appends per LMDB transaction (group commit) and answers each after the commit, and
// that writes the trailing aggregate index in sorted batches. submit() is thread-safe; the rest
// runs on the writer thread.
#pragma once

#include "persistence/store.hpp"
#include "persistence/store_core.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tocsin::persistence {

class journal_writer {
public:
  /// `next_offset` and `watermark` per partition as recovered at open. `core` must outlive this.
  journal_writer(store_core& core, std::vector<std::uint64_t> next_offset,
                 std::vector<std::uint64_t> watermark);
  ~journal_writer() { stop(); }
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;

  void start();
  /// Queues the request, or answers at once (on the calling thread) with overloaded/unavailable.
  void submit(append_request req, append_callback done);
  /// Queues kv ops committed with the next batch (same answers as submit).
  void submit(std::vector<kv_op> ops, write_callback done);
  /// Refuses new requests, commits the queued ones, flushes the index, joins. Idempotent.
  void stop();

private:
  struct queued {
    append_request req;
    append_callback done;
    bool is_kv = false; // a kv write instead of an append
    std::vector<kv_op> ops;
    write_callback kv_done;
  };
  struct key_hash {
    std::size_t operator()(const keys::aggregate_key& k) const;
  };
  using clock = std::chrono::steady_clock;

  void run();
  void commit_batch(std::vector<queued>& batch);
  /// Checks a request before anything of it is written, so a refusal writes nothing without a
  /// nested transaction.
  domain::error validate(const append_request& req, keys::aggregate_key& id,
                         std::uint32_t& partition) const;
  domain::error current_version(lmdb::cursor& idx, const keys::aggregate_key& id,
                                std::uint64_t& out) const;
  domain::error write_request(MDB_txn* t, const append_request& req, const keys::aggregate_key& id,
                              std::uint32_t partition, append_result& r);
  domain::error write_kv(MDB_txn* t, const std::vector<kv_op>& ops);
  void enqueue(queued q);
  void maybe_flush_index();
  domain::error flush_index();
  domain::error storage_full(std::string_view what) const;

  store_core& core_;
  std::thread thread_;

  std::mutex mu_; // guards queue_ and stopping_
  std::condition_variable cv_;
  std::vector<queued> queue_;
  bool stopping_ = false;
  bool started_ = false;

  // Writer-thread state.
  std::vector<std::uint64_t> next_offset_; // committed
  std::vector<std::uint64_t> watermark_;   // as last written to meta
  std::vector<std::uint64_t> batch_offset_;
  std::unordered_map<keys::aggregate_key, std::uint64_t, key_hash> batch_versions_;
  std::vector<keyed_index_entry> new_entries_;
  std::vector<keyed_index_entry> flush_entries_;
  std::vector<incident_summary> new_summaries_;   // catalog rows of the batch being committed
  std::vector<incident_summary> flush_summaries_;
  std::vector<append_result> results_;
  std::string buf_;
  clock::time_point next_flush_;
};

} // namespace tocsin::persistence
