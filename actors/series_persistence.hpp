// How aggregation windows live in LMDB (kv_db::windows): key layout, lazy loading of one series,
// the kv ops that persist a drain of a series_table, and a bounded retention sweep over series
// no shard has loaded. Used by the aggregator shards (actors/aggregation_shard.hpp); the free
// functions are thread-safe, each loader/sweeper object belongs to one shard.
//
// Keys (all integers big-endian, so LMDB order is (series, record, resolution, start) order and
// one prefix scan loads a series):
//   hash(8) slot(1) 'k'                      -> canonical_encoding(series key)
//   hash(8) slot(1) 'm'                      -> encode(store_meta)
//   hash(8) slot(1) 'w' resolution(8) start(8, sign bit flipped) -> encode(closed_window)
// The slot tells apart different keys with the same 64-bit hash: a loader takes the slot whose
// 'k' record equals its key, or the first free one.
#pragma once

#include "domain/series_table.hpp"
#include "persistence/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::actors {

std::string series_prefix(std::uint64_t hash, std::uint8_t slot);
std::string series_key_record(std::uint64_t hash, std::uint8_t slot);
std::string series_meta_record(std::uint64_t hash, std::uint8_t slot);
std::string window_record(std::uint64_t hash, std::uint8_t slot, domain::duration resolution,
                          domain::timestamp start);

struct window_record_key {
  std::uint64_t hash = 0;
  std::uint8_t slot = 0;
  domain::duration resolution = 0;
  domain::timestamp start = 0;
};
/// The parts of a window record key; nullopt for any other key.
std::optional<window_record_key> parse_window_record(std::string_view key);

/// Loads series from the store the first time a shard's table touches them.
class lmdb_series_source final : public domain::series_source {
public:
  explicit lmdb_series_source(persistence::store& st) : store_(st) {}
  domain::persisted_series load(const domain::series_key& key, std::uint64_t hash) override;
  /// Reads that failed or records that did not decode (each logged once per series).
  std::uint64_t errors() const { return errors_; }

private:
  persistence::store& store_;
  std::uint64_t errors_ = 0;
};

/// Appends the kv ops persisting one series' drained changes; returns how many window records
/// it writes.
std::size_t append_ops(const domain::series_changes& c, std::vector<persistence::kv_op>& ops);

/// Walks the whole windows DB in bounded steps, erasing window records older than their tier's
/// retention as of `now` (what a loaded series would have pruned by then), and records of
/// resolutions no tier has any more. Loaded series expire their own windows through drain; this
/// catches series that nobody touched since a restart. Seeks past young tiers, so a pass costs
/// about one read per (series, tier) plus the erased records.
class retention_sweeper {
public:
  /// Starts a pass at the beginning of the DB (no-op if one is running).
  void start();
  bool running() const { return running_; }
  /// Up to `probes` seeks; appends the erase ops found. Ends the pass at the end of the DB.
  void step(persistence::store& st, const domain::window_config& cfg, domain::timestamp now,
            std::size_t probes, std::vector<persistence::kv_op>& ops);

private:
  bool running_ = false;
  std::string next_; // first key not looked at yet
};

} // namespace tocsin::actors
