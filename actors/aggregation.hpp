// The aggregation front end (ingest_sink): turns each request's telemetry into keyed
// observations on the calling thread (receivers call it from many gRPC/HTTP threads at once),
// splits them by series hash and sends one message per shard; the shards
// (actors/aggregation_shard.hpp) fold, close windows, persist them and answer slo actors.
// Bounded: items handed to shards and not yet folded are counted, and a request that would go
// beyond max_queued is refused whole (overloaded). Owned by tocsind; thread-safe.
#pragma once

#include "actors/ingest.hpp"
#include "domain/series.hpp"
#include "domain/time.hpp"
#include "domain/window.hpp"
#include "persistence/store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace tocsin::actors {

struct aggregation_counters;

struct aggregation_options {
  std::uint32_t shards = 2;                 // >= 1 (0: one per core)
  domain::window_config windows;            // validated by the caller (domain::validate)
  // Watermark advance with the clock + persisting closed windows.
  std::chrono::milliseconds tick{100};
  // Items (spans + points + records) handed to shards, not yet folded. Each costs ~240 bytes
  // while queued (an observation), error spans a little more for their exemplar.
  std::uint64_t max_queued = 2'000'000;
  std::chrono::milliseconds retry_after{1000};
  // Runtime signals (spans / log records with feedback.* attributes); called on the ingesting
  // thread; may be empty.
  std::function<void(const std::string& tenant, std::vector<domain::span_record>,
                     std::vector<domain::log_record>)>
    on_signals;
  // Finest-tier closed windows of metric series whose name is in the set, handed over after
  // each drain (cost detection reads them); called on the shard's thread, must not block
  // (e.g. send a message). Empty set or function: off.
  std::set<std::string> closed_window_metrics;
  std::function<void(const domain::series_key&, const domain::closed_window&)> on_closed_window;
};

/// Counters since start. spans/points/records: items taken (ingest_outcome::accepted);
/// rejected: refused one by one; late: dropped by the shards as older than watermark -
/// lateness (known only after folding, so not in ingest_outcome); windows_closed: closed
/// windows of all tiers; windows_persisted: window records durable in LMDB; series: series the
/// shards hold (also those only queried or watched); queued: items sent and not yet folded;
/// overloaded: requests refused whole; signals: spans + log records passed to on_signals.
struct aggregation_stats {
  std::uint64_t spans = 0, points = 0, records = 0, rejected = 0, late = 0, windows_closed = 0,
                windows_persisted = 0, series = 0, queued = 0, overloaded = 0, signals = 0;
};

class aggregation final : public ingest_sink {
public:
  /// `sys`, `st` and `clk` must outlive the aggregation (stop() needs the store: call it, or
  /// destroy the aggregation, before closing the store).
  aggregation(caf::actor_system& sys, persistence::store& st, const domain::clock& clk,
              aggregation_options opts);
  ~aggregation() override; // calls stop()
  aggregation(const aggregation&) = delete;
  aggregation& operator=(const aggregation&) = delete;

  ingest_outcome spans(const std::string& tenant, std::vector<domain::span_batch> b) override;
  ingest_outcome metrics(const std::string& tenant, std::vector<domain::metric_batch> b) override;
  ingest_outcome logs(const std::string& tenant, std::vector<domain::log_batch> b) override;

  /// The shard owning a series: domain::shard_of(k, shard_count()).
  const caf::actor& shard_for(const domain::series_key& k) const;
  std::size_t shard_count() const { return shards_.size(); }
  aggregation_stats stats() const; // any thread

  /// Persists what closed, stops the shards and waits for them; idempotent. Ingest afterwards
  /// is answered overloaded.
  void stop();

private:
  template <class Batches, class Observe>
  ingest_outcome ingest(const std::string& tenant, Batches batches, std::uint64_t n,
                        std::atomic<std::uint64_t>& taken, Observe observe);
  bool reserve(std::uint64_t n);
  ingest_outcome overloaded();

  caf::actor_system& sys_;
  aggregation_options opts_;
  std::shared_ptr<aggregation_counters> counters_;
  std::vector<caf::actor> shards_;
  std::atomic<bool> stopped_{false};
  std::mutex stop_mu_;
};

} // namespace tocsin::actors
