// The node's LMDB store: partitioned journal, per-aggregate index, snapshots, dedup index, meta.
// One writer thread does group commit; every read method is safe from any thread. Owned by
// tocsind (one per process); actors hold a plain pointer that outlives them.
#pragma once

#include "domain/dedup.hpp"
#include "domain/envelope.hpp"
#include "domain/error.hpp"
#include "domain/incident.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::persistence {

enum class sync_mode {
  durable, // fsync on every commit (default): an acknowledged write survives power loss
  no_sync, // MDB_NOSYNC: survives a process crash, not an OS crash; for benchmarks/dev only
};

struct store_options {
  std::string dir = "var/tocsin";
  std::size_t map_size = std::size_t{4} << 30; // bytes; writes are refused once it is full
  std::uint32_t partitions = 256;              // fixed at creation; a reopen must agree
  std::uint32_t snapshot_every = 100;          // events between snapshots of one aggregate
  sync_mode sync = sync_mode::durable;
  std::size_t max_batch = 4096;                // appends per group commit at most
  std::size_t max_queue = 65536;               // pending appends before overloaded is answered
  // The per-aggregate index trails the journal (random keys are costly inside every commit):
  // pending entries are written in one sorted batch when this many accumulate or this old.
  std::size_t index_flush_entries = 16384;
  std::chrono::milliseconds index_flush_interval{250};
};

/// One row of the incident catalog: what List shows without loading the whole incident.
struct incident_summary {
  std::string id;
  std::string tenant;
  std::string title;
  domain::severity sev = domain::severity::warning;
  domain::incident_source source = domain::incident_source::manual;
  std::string source_id;
  domain::category cat = domain::category::reliability;
  domain::incident_status status = domain::incident_status::open;
  std::string trace_id;          // attribution trace id
  std::vector<std::string> trace_ids; // attribution and exemplar trace ids, for trace search
  domain::timestamp opened_at = 0;
  domain::timestamp updated_at = 0;
  std::uint64_t version = 0;
};

/// A dedup index change committed in the same transaction as the events of its request.
struct dedup_op {
  enum kind_t { put, erase } kind = put;
  domain::dedup_key key;
  std::string incident_id; // for put
};

struct append_request {
  std::string aggregate_id;        // ULID text
  std::uint64_t expected_version = 0; // the aggregate's current version; 0 = must not exist
  std::vector<domain::envelope> events; // sequences expected_version+1.. in order
  std::vector<dedup_op> dedup;
  /// State after these events; written as the aggregate's snapshot in the same transaction.
  std::optional<domain::incident_state> snapshot;
  /// The aggregate's catalog row after these events (List); kept pending like the index.
  std::optional<incident_summary> summary;
  /// The escalation deadline these events set, written to the deadline index in the same
  /// transaction, tagged with the version after them (a fired deadline whose version no longer
  /// matches is stale and ignored).
  std::optional<domain::timestamp> deadline;
};

/// A due (or future) entry of the deadline index.
struct deadline_entry {
  domain::timestamp at = 0;
  std::string incident_id;
  std::uint64_t version = 0; // the incident version that set it
};

/// Named databases that consumers (notifier, relays, wake-up service) write through kv ops.
enum class kv_db : std::uint8_t {
  cursors,       // consumer cursors: "<consumer>/<partition>" → offset
  notifications, // the notifier's own stream: notification id → record
  dead_letters,  // dead letters: "<kind>/<id>" → record
  definitions,   // policies, SLOs: "<kind>/<name>" → definition
  deadlines,     // the deadline index (keys from deadline_key())
  windows,       // closed aggregation windows (actors/series_persistence.hpp)
  topics,        // partitioned topic logs beside the journal (persistence/topic_log.hpp)
};

struct kv_op {
  kv_db db = kv_db::cursors;
  enum kind_t { put, erase } kind = put;
  std::string key;
  std::string value; // for put
};

/// Key of a deadline-index entry: time (big-endian, so LMDB order is time order) + incident id.
std::string deadline_key(domain::timestamp at, const std::string& incident_id);
/// 8 bytes big-endian: the value format of deadline entries and consumer cursors.
std::string encode_u64(std::uint64_t v);
std::uint64_t decode_u64(std::string_view bytes); // 0 unless exactly 8 bytes

using write_callback = std::function<void(domain::error)>;

struct append_result {
  domain::error err;                  // err.code == errc::ok on success
  std::vector<std::uint64_t> offsets; // journal offset of each event, within its partition
  bool ok() const { return err.code == domain::errc::ok; }
};

/// Runs on the writer thread after the commit is durable (or refused). Must not block.
using append_callback = std::function<void(append_result)>;

/// A journal record as read back.
struct journal_record {
  std::uint32_t partition = 0;
  std::uint64_t offset = 0;
  domain::envelope env;
};

/// The catalog row of an incident state (what the incident actor attaches to its appends).
incident_summary summarize(const domain::incident_state& s);

/// List filter; empty optionals / strings / zero times mean "any". Results are newest first.
struct incident_filter {
  std::string tenant;                               // required
  std::optional<domain::incident_status> status;
  std::optional<domain::severity> sev;
  std::optional<domain::incident_source> source;
  std::optional<domain::category> cat;
  std::string trace_id;                             // attribution or any exemplar's trace id
  domain::timestamp opened_after = 0;               // inclusive
  domain::timestamp opened_before = 0;              // exclusive
  std::size_t page_size = 100;
  std::string page_token;                           // opaque, from a previous page
};

struct incident_page {
  std::vector<incident_summary> items;
  std::string next_page_token; // empty when there is no further page
};

/// Upper bounds (microseconds) of the journal commit latency buckets in store_stats; one more
/// bucket counts everything above the last bound.
inline constexpr std::uint32_t commit_latency_bounds_us[] = {
  50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000};
inline constexpr std::size_t commit_latency_buckets = std::size(commit_latency_bounds_us) + 1;

struct store_stats {
  std::uint64_t commits = 0;        // write transactions committed
  std::uint64_t appends = 0;        // append requests answered ok
  std::uint64_t events = 0;         // events written
  std::uint64_t refused_full = 0;   // requests refused with storage_full
  std::uint64_t conflicts = 0;      // requests refused with version_conflict
  std::uint64_t index_flushes = 0;
  std::uint64_t index_pending = 0;  // aggregate-index entries not yet written
  /// Group-commit latency, write txn begin to durable commit (fsync included): commits per
  /// bucket of commit_latency_bounds_us (not cumulative) and the sum of all, in nanoseconds.
  std::array<std::uint64_t, commit_latency_buckets> commit_latency{};
  std::uint64_t commit_latency_sum_ns = 0;
};

/// Incidents of one tenant in one status (store::count_incidents).
struct incident_count {
  std::string tenant;
  domain::incident_status status = domain::incident_status::open;
  std::uint64_t count = 0;
};

class store {
public:
  /// Opens (creating if needed) the environment in options.dir. Start-up cost is bounded by the
  /// unindexed journal tail, never by the number of stored aggregates.
  static domain::result<std::unique_ptr<store>> open(const store_options& options);
  virtual ~store() = default;

  // -- writes (group commit on the writer thread) ------------------------------------------------
  /// Queues an append; `done` is called once the transaction holding it is durable, or with an
  /// error (version_conflict, storage_full, overloaded, unavailable, invalid_argument) in which
  /// case nothing of the request was written. Thread-safe.
  virtual void append(append_request req, append_callback done) = 0;
  /// append() and wait; for tools and tests.
  virtual append_result append_sync(append_request req) = 0;
  /// Applies `ops` atomically, group-committed with appends; `done` runs on the writer thread
  /// once durable (or with the error, nothing written). Thread-safe.
  virtual void write(std::vector<kv_op> ops, write_callback done) = 0;
  /// write() and wait.
  virtual domain::error write_sync(std::vector<kv_op> ops) = 0;

  // -- reads (any thread) --------------------------------------------------------------------
  /// Current version (sequence of the last durable event) of an aggregate; 0 if none.
  virtual domain::result<std::uint64_t> version_of(const std::string& aggregate_id) = 0;
  /// Snapshot + tail replay; not_found when the aggregate has no events. Corrupt records are
  /// reported (corrupt_record, message names partition and offset), never skipped.
  virtual domain::result<domain::incident_state> load_incident(const std::string& aggregate_id) = 0;
  /// Events of one aggregate with sequence >= from_sequence, in order.
  virtual domain::result<std::vector<domain::envelope>>
  read_events(const std::string& aggregate_id, std::uint64_t from_sequence) = 0;
  /// Up to `limit` records of a partition with offset >= from_offset.
  virtual domain::result<std::vector<journal_record>>
  read_partition(std::uint32_t partition, std::uint64_t from_offset, std::size_t limit) = 0;
  /// Next offset to be written in a partition (== number of records in it).
  virtual std::uint64_t partition_end(std::uint32_t partition) = 0;
  /// The value under `key` in `db`, if any.
  virtual domain::result<std::optional<std::string>> get(kv_db db, const std::string& key) = 0;
  /// Up to `limit` entries of `db` with key >= from and starting with `prefix`, in key order.
  virtual domain::result<std::vector<std::pair<std::string, std::string>>>
  scan(kv_db db, const std::string& prefix, const std::string& from, std::size_t limit) = 0;
  /// Deadline-index entries with at <= up_to, oldest first, at most `limit`.
  virtual domain::result<std::vector<deadline_entry>> due_deadlines(domain::timestamp up_to,
                                                                    std::size_t limit) = 0;
  /// The open incident for a dedup key, if any.
  virtual domain::result<std::optional<std::string>> find_open(const domain::dedup_key& key) = 0;

  /// The tenant's incidents matching `filter`, newest first, paginated. Sees every
  /// acknowledged append (the catalog trails the journal like the aggregate index does).
  virtual domain::result<incident_page> list_incidents(const incident_filter& filter) {
    return domain::make_error(domain::errc::unavailable, "list_incidents is not implemented");
  }
  /// Incidents per (tenant, status) over the whole catalog, acknowledged appends included.
  /// O(incidents): for /metrics, which caches the answer.
  virtual domain::result<std::vector<incident_count>> count_incidents() {
    return domain::make_error(domain::errc::unavailable, "count_incidents is not implemented");
  }
  /// Number of write transactions committed so far (monotonic). Tailers use it to wait for news.
  virtual std::uint64_t commit_count() { return 0; }
  /// Blocks until commit_count() > seen or `timeout` passes; returns commit_count().
  virtual std::uint64_t wait_for_commit(std::uint64_t seen, std::chrono::milliseconds timeout) {
    return commit_count();
  }

  virtual const store_options& options() const = 0;
  virtual store_stats stats() = 0;

  /// Finishes queued appends, flushes the index, stops the writer and closes LMDB. Appends
  /// after close() are answered `unavailable`. Idempotent; the destructor calls it.
  virtual void close() = 0;
};

} // namespace tocsin::persistence
