// The feedback service (DESIGN.md §7): turns resolved incidents, runtime signals and cost
// anomalies into durable, de-duplicated feedback items in the "feedback" topic and keeps the
// quality scores of their artifacts, agents and skills. Owned by tocsind (one per process).
//
// Pieces: an actor (actor()) that is the only writer of the feedback topic and owns the quality
// accumulators; a journal consumer thread that reads IncidentResolved from every partition with
// durable cursors (kv_db::cursors "<consumer>/<partition>") and advances a cursor only once the
// items before it are durable; signals(), called on ingesting threads, which turns feedback.*
// spans and log records into items and folds error spans of an artifact per window.
// Each item, its index entries (persistence/feedback_index.hpp) and the new quality states of
// its subjects commit in one transaction, so a crash never leaves one without the others.
// start/stop/signals/stats are thread-safe; sys, store, topic and clock must outlive it.
#pragma once

#include "actors/feedback_messages.hpp"
#include "domain/error.hpp"
#include "domain/quality.hpp"
#include "domain/telemetry.hpp"
#include "domain/time.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::actors {

struct feedback_options {
  /// Error spans of one artifact within one window of this length become one item.
  domain::timestamp error_window = 60 * domain::nanos_per_second;
  /// A window's fold is emitted once the clock passed its end by this much (late spans).
  domain::timestamp error_lateness = 10 * domain::nanos_per_second;
  domain::quality_config quality;
  /// Journal wait when nothing new was committed; also the fold timer's period.
  std::chrono::milliseconds poll_interval{100};
  std::string consumer = "feedback"; // cursor key prefix
  std::size_t batch_events = 512;    // journal records per cursor write at most
};

/// Counters since start().
struct feedback_stats {
  std::uint64_t created = 0;           // items appended by this process
  std::uint64_t duplicates = 0;        // items whose key was already in the topic
  std::uint64_t failed = 0;            // appends refused (storage full, overloaded, ...)
  std::uint64_t signals = 0;           // spans + log records with feedback.category seen
  std::uint64_t invalid_signals = 0;   // of those, refused (unknown word, no identity)
  std::uint64_t error_spans = 0;       // error spans with an artifact id folded
  std::uint64_t folds = 0;             // folded windows emitted as items
  std::uint64_t resolved = 0;          // IncidentResolved events consumed
  std::uint64_t quality_updates = 0;   // subject scores recomputed
};

class feedback_service {
public:
  feedback_service(caf::actor_system& sys, persistence::store& st,
                   persistence::topic_log& feedback_topic, const domain::clock& clk,
                   feedback_options opts = {});
  ~feedback_service(); // calls stop()
  feedback_service(const feedback_service&) = delete;
  feedback_service& operator=(const feedback_service&) = delete;

  /// Loads the quality states, spawns the actor and starts the journal consumer. Errors (store
  /// reads failing) leave the service stopped. A second call is a no-op.
  domain::error start();
  /// Stops the consumer thread (cursors stay where the durable items are), lets appends in
  /// flight finish, emits no pending fold (they are lost; late spans of the window would be
  /// folded again by nobody) and stops the actor. Idempotent.
  void stop();

  /// The actor; see actors/feedback_messages.hpp. Valid after start().
  const caf::actor& actor() const;

  /// Runtime signals of one ingest request (aggregation_options::on_signals). Spans / records
  /// with feedback.category become items; error spans with an artifact id (and no category)
  /// are folded per (tenant, artifact, window). Invalid feedback words are counted and logged.
  /// Any thread; never blocks on I/O.
  void signals(const std::string& tenant, std::vector<domain::span_record> spans,
               std::vector<domain::log_record> logs);

  feedback_stats stats() const;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace tocsin::actors
