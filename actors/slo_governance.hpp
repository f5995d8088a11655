// Governance hand-offs for repeated SLO breaches (domain/governance.hpp, the slo_breaches rule):
// a journal consumer with durable cursors (kv_db::cursors "<consumer>/<partition>", like the
// notifier) that counts IncidentOpened / SignalRepeated of SLO incidents (source slo, source id
// = the SLO id) per (tenant, SLO) and appends a hand-off to the "governance" topic when the
// tenant policy's count within its period is reached. Owned by tocsind (one per process); its
// own thread; start/stop/stats are thread-safe; store, policies and topic must outlive it.
//
// Exactly once: a round's hand-offs are appended (keyed by their deterministic id) before the
// cursors and the counters (kv_db::definitions, persistence/cost_codec.hpp) advance in one
// write; a crash in between re-reads the same events with the same counters, so the same
// hand-offs come out and the topic keeps the first of each.
#pragma once

#include "actors/policy_registry.hpp"
#include "domain/error.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tocsin::actors {

struct slo_governance_options {
  std::string consumer = "governance-slo"; // cursor key prefix
  std::chrono::milliseconds poll_interval{200};
  std::size_t batch_events = 512; // journal records per round at most
};

struct slo_governance_stats {
  std::uint64_t breaches = 0; // SLO incident opens and repeats counted
  std::uint64_t handoffs = 0; // hand-offs appended by this process
  std::uint64_t failures = 0; // rounds that failed and were retried
};

class slo_governance {
public:
  slo_governance(persistence::store& st, const policy_registry& policies,
                 persistence::topic_log& governance, slo_governance_options opts = {});
  ~slo_governance(); // calls stop()
  slo_governance(const slo_governance&) = delete;
  slo_governance& operator=(const slo_governance&) = delete;

  /// Loads cursors and counters and starts the consumer thread; store errors leave it
  /// stopped. A second call is a no-op.
  domain::error start();
  /// Stops the thread after its current round. Idempotent.
  void stop();
  slo_governance_stats stats() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace tocsin::actors
