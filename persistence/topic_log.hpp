// A partitioned, append-only topic log beside the incident journal (kv_db::topics): the
// `feedback` and `governance` topics that relays and Subscribe streams read from durable cursors,
// with an idempotency index so a key is appended at most once. Thread-safe; one instance per
// topic per process (it hands out offsets), owned by tocsind; the store must outlive it.
//
// Keys in kv_db::topics: "r" topic \0 partition(2 BE) offset(8 BE) -> record bytes (the caller's
// encoding); "k" topic \0 key -> partition(2 BE) offset(8 BE); "e" topic \0 partition(2 BE) ->
// next offset (8 BE). All three are written in one transaction, so a record, its index entry
// and the end offset are durable together. A refused write leaves a hole in the offsets;
// readers scan keys, so holes are harmless. Offsets are handed out before the write is queued,
// so two appenders may commit out of offset order: read() returns nothing at or beyond the
// lowest offset still in flight in this process, so a reader that resumes after the last record
// it saw never skips one committed late.
#pragma once

#include "persistence/store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tocsin::persistence {

struct topic_position {
  std::uint32_t partition = 0;
  std::uint64_t offset = 0;
};

struct topic_record {
  std::uint32_t partition = 0;
  std::uint64_t offset = 0;
  std::string value;
};

struct topic_append_result {
  domain::error err;
  topic_position at;
  bool created = false; // false: the key was appended before; `at` is where (offset 0 while
                        // that first append is still in flight)
  bool ok() const { return err.code == domain::errc::ok; }
};

class topic_log {
public:
  topic_log(store& st, std::string topic);

  const std::string& topic() const { return topic_; }
  std::uint32_t partitions() const { return store_.options().partitions; }

  /// Appends `value` under idempotency `key` to `partition` unless the key is already in the
  /// log (or being appended): `done` runs once the record is durable (on the store's writer
  /// thread, or at once for a duplicate), never both written and refused. `extra` ops (e.g.
  /// the caller's secondary index entries) commit in the same transaction, only if created.
  void append(const std::string& key, std::uint32_t partition, std::string value,
              std::function<void(topic_append_result)> done, std::vector<kv_op> extra = {});
  /// append() and wait; for tools and tests.
  topic_append_result append_sync(const std::string& key, std::uint32_t partition,
                                  std::string value, std::vector<kv_op> extra = {});
  /// Where `key` goes: FNV-1a of the key modulo the store's partitions.
  std::uint32_t partition_of(const std::string& key) const;

  /// Up to `limit` records of `partition` with offset >= from, in offset order, stopping before
  /// the lowest offset of the partition whose append is still in flight.
  domain::result<std::vector<topic_record>> read(std::uint32_t partition, std::uint64_t from,
                                                 std::size_t limit);
  /// The record appended under `key`, if any.
  domain::result<std::optional<topic_record>> find(const std::string& key);
  /// Next offset of `partition` (records appended so far, holes included).
  domain::result<std::uint64_t> end(std::uint32_t partition);

  /// Appends finished (durable or refused) in this process so far: a reader that saw nothing
  /// new rescans only once this moves.
  std::uint64_t completed();
  /// Blocks until completed() > seen or `timeout` passes; returns completed().
  std::uint64_t wait_completed(std::uint64_t seen, std::chrono::milliseconds timeout);

private:
  domain::result<std::uint64_t> end_locked(std::uint32_t partition);
  domain::result<std::vector<topic_record>> scan_records(std::uint32_t partition,
                                                         std::uint64_t from, std::size_t limit,
                                                         std::uint64_t below);

  store& store_;
  std::string topic_;
  std::mutex mu_;
  std::unordered_map<std::uint32_t, std::uint64_t> next_; // loaded on first use per partition
  std::set<std::string> in_flight_;                       // keys appended, not yet durable
  std::set<std::pair<std::uint32_t, std::uint64_t>> pending_; // their (partition, offset)
  std::uint64_t completed_ = 0;
  std::condition_variable completed_cv_;
};

} // namespace tocsin::persistence
