// Shared plumbing for tocsin-bench: temp stores, an actor system with an engine, bulk loading of
// incidents straight through the store, RSS and percentile helpers. Bench-only code.
#pragma once

#include "actors/engine.hpp"
#include "persistence/store.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::bench {

/// A directory under var/bench (same disk as a real data dir), removed on destruction.
class scratch_dir {
public:
  explicit scratch_dir(const std::string& name);
  ~scratch_dir();
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

struct running_engine {
  std::unique_ptr<persistence::store> store;
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<actors::engine> eng;
  actors::system_clock clock;

  explicit running_engine(const persistence::store_options& opts,
                          actors::engine_options eopts = {});
  ~running_engine();
};

/// Writes `n` incidents (one IncidentOpened each, no dedup key) with group commit; returns ids.
std::vector<std::string> bulk_open(persistence::store& st, std::size_t n, std::size_t in_flight);

/// Resident set size of this process in bytes.
std::size_t rss_bytes();

/// q-quantile (0..1) of `v` (sorted in place).
double quantile(std::vector<double>& v, double q);

} // namespace tocsin::bench
