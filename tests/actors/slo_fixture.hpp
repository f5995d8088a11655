// Test fixture for SLO evaluation: a real LMDB store, actor system, engine, aggregation and
// slo_runtime on one thread-safe manual clock; restart() stops everything and starts again on
// the same directory. Helpers feed spans through aggregation.spans() and poll. Test-only.
#pragma once

#include "actors/aggregation.hpp"
#include "actors/engine.hpp"
#include "actors/slo_runtime.hpp"
#include "domain/dedup.hpp"
#include "support/actor_stack.hpp"
#include "support/checkout_slo.hpp"
#include "support/eventually.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

namespace tocsin::test {

constexpr domain::timestamp sec = domain::nanos_per_second;
constexpr domain::timestamp ms = domain::nanos_per_milli;

/// checkout_slo() at 0.9 over 60 s; one condition: burn rate 2 (20 % errors) over 10 s and 2 s.
inline domain::slo_definition fast_slo(const std::string& id = "checkout-availability",
                                       const std::string& tenant = "acme") {
  auto d = checkout_slo(id, tenant);
  d.name = "Checkout availability";
  d.target = 0.9;
  d.window = 60 * sec;
  d.conditions = {{"fast-burn", domain::severity::high, 10 * sec, 2 * sec, 2.0}};
  d.allowed_staleness = 5 * sec;
  return d;
}

struct slo_fixture : actor_stack {
  actors::aggregation_options agg_opts;
  actors::slo_options slo_opts;
  std::unique_ptr<actors::aggregation> agg;
  std::unique_ptr<actors::slo_runtime> slos;
  std::uint64_t next_trace = 1;

  slo_fixture() : actor_stack("tocsin-slo") {
    agg_opts.shards = 2;
    agg_opts.windows.lateness = 500 * ms;
    agg_opts.tick = std::chrono::milliseconds{20};
    slo_opts.min_interval = std::chrono::milliseconds{5};
    slo_opts.evaluate_every = std::chrono::milliseconds{50};
    slo_opts.renotify = std::chrono::milliseconds{3000}; // in clock time
  }
  ~slo_fixture() { stop(); }

  void start() {
    open_stack();
    actors::engine_options eopts;
    eopts.id_seed = 7 + next_trace;
    start_engine(eopts);
    agg = std::make_unique<actors::aggregation>(*sys, *store, clock, agg_opts);
    slos = std::make_unique<actors::slo_runtime>(*sys, *store, clock, eng->router(), *agg,
                                                 slo_opts);
    REQUIRE(slos->init_error().code == domain::errc::ok);
  }

  void stop() {
    if (slos)
      slos->stop();
    slos.reset();
    if (agg)
      agg->stop();
    agg.reset();
    close_stack();
  }

  void restart() {
    stop();
    start();
  }

  /// `ok` good and `errors` failing spans of checkout, ending 100 ms before now.
  void feed(int ok, int errors, const std::string& tenant = "acme",
            const std::string& artifact = "artifact-7") {
    domain::span_batch b;
    const auto end = static_cast<std::uint64_t>(clock.now() - 100 * ms);
    for (int i = 0; i < ok + errors; ++i) {
      domain::span_record s;
      const auto n = next_trace++;
      for (int k = 0; k < 8; ++k)
        s.trace_id[15 - k] = static_cast<std::uint8_t>(n >> (8 * k));
      s.span_id[7] = 1;
      s.service_name = "checkout";
      s.span_name = "POST /pay";
      s.kind = domain::span_kind::server;
      s.start_unix_nano = end - 20 * ms;
      s.end_unix_nano = end;
      s.status_code = i < errors ? domain::status_code::error : domain::status_code::ok;
      s.artifact_id = artifact;
      s.agent_id = "agent-3";
      s.skill_id = "skill-9";
      b.spans.push_back(std::move(s));
    }
    std::vector<domain::span_batch> batches;
    batches.push_back(std::move(b));
    REQUIRE(agg->spans(tenant, std::move(batches)).ok());
  }

  /// Healthy traffic: `seconds` steps of one second with `per_second` good spans each.
  void steady(int seconds, int per_second = 20) {
    for (int i = 0; i < seconds; ++i) {
      clock.advance(sec);
      feed(per_second, 0);
    }
  }

  /// The open incident of an SLO (dedup index), or "".
  std::string open_incident(const std::string& id, const std::string& tenant = "acme") {
    auto r = store->find_open(domain::dedup_key{tenant, domain::incident_source::slo, id});
    REQUIRE(r.ok());
    return r.value() ? *r.value() : std::string{};
  }

  actors::slo_status_view status(const std::string& id = "checkout-availability",
                                 const std::string& tenant = "acme") {
    auto s = slos->status(tenant, id);
    REQUIRE(s.ok());
    return *s;
  }
};

} // namespace tocsin::test
