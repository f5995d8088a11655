// The part the incident journal's in-process consumers (notifier, feedback service, SLO
// governance) share: durable cursors (kv_db::cursors "<consumer>/<partition>"), rounds that read
// the partitions fairly up to a batch size, cursors that move only with the owner's durable
// write, the wait for the next commit, and a stop that cuts a back-off sleep short. What a record
// causes, and what is written in the same transaction as the cursors, stays with the owner.
//
// Each consumer owns one. load() and reset_stop() run before the consumer thread starts,
// request_stop() and stopping() from any thread; run(), read() and commit() on the consumer
// thread only. The store must outlive it.
#pragma once

#include "domain/envelope.hpp"
#include "domain/error.hpp"
#include "domain/incident.hpp"
#include "persistence/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tocsin::actors {

/// Next offset per partition as committed by `consumer` (0 where it never committed).
domain::result<std::vector<std::uint64_t>>
load_cursors(persistence::store& st, const std::string& consumer, std::uint32_t partitions);

/// The write that moves `consumer`'s cursor of `partition` to `offset`.
persistence::kv_op cursor_put(const std::string& consumer, std::uint32_t partition,
                              std::uint64_t offset);

/// The incident as of `env`: later events (a reopen, a note) must not change what a consumer
/// reports about this one. The current state unless later events exist.
domain::result<domain::incident_state> incident_state_at(persistence::store& st,
                                                         const domain::envelope& env);

/// Whether reading the same record again later may succeed; other errors about one event
/// never get better, and waiting on them would stop its partition for good.
bool retry_may_cure(domain::errc code);

struct journal_consumer_options {
  std::string consumer;                        // cursor key prefix
  std::string log_name;                        // "notifier", "feedback", ... in log lines
  std::chrono::milliseconds poll_interval{50}; // commit wait when a round found nothing
  std::size_t batch_events = 512;              // records per round at most (0 counts as 1)
};

class journal_consumer {
public:
  enum class round_result { idle, progressed, failed };
  /// Partition → next offset after the records a round handled.
  using advance_map = std::map<std::uint32_t, std::uint64_t>;
  /// Returns false to leave `rec` (and the rest of its partition) for a later round.
  using record_handler = std::function<bool(const persistence::journal_record& rec)>;

  struct batch {
    advance_map advanced;
    bool failed = false; // a partition could not be read, or a handler refused a record
    /// What the owner's round returns when it has nothing to commit.
    round_result nothing_read() const {
      return failed ? round_result::failed : round_result::idle;
    }
    /// What the owner's round returns once the batch is committed.
    round_result committed() const {
      return failed ? round_result::failed : round_result::progressed;
    }
  };

  journal_consumer(persistence::store& st, journal_consumer_options opts);

  domain::error load();
  void reset_stop() { stopping_ = false; }
  /// Ends run() after the current round and wakes a back-off sleep.
  void request_stop();
  bool stopping() const { return stopping_.load(); }

  /// Runs rounds until request_stop(): after an idle round it waits for the next commit (up to
  /// the poll interval), after a failed one (or an exception, logged) it backs off.
  void run(const std::function<round_result()>& round);

  /// Reads up to batch_events records past the cursors, one partition after another, starting
  /// where the last round stopped. Handled records count in `advanced`; the cursors stay.
  batch read(const record_handler& handle);

  /// Writes `ops` and the cursor moves of `advanced` in one durable transaction; the cursors
  /// move in memory only once it succeeded (on failure the same records are read again).
  domain::error commit(const advance_map& advanced, std::vector<persistence::kv_op> ops = {});

  const std::string& name() const { return opts_.consumer; }

private:
  void sleep_unless_stopped(std::chrono::milliseconds d);

  persistence::store& store_;
  const journal_consumer_options opts_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  // Consumer thread only (and load() before it starts).
  std::vector<std::uint64_t> cursors_; // next offset per partition, as committed
  std::uint32_t first_partition_ = 0;  // where the next round starts (fairness)
};

} // namespace tocsin::actors
