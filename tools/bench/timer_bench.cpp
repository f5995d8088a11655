// Timer accuracy: N incidents whose escalation deadlines are spread uniformly over a window, all
// passivated (written straight to the store, as after a restart), fired by the wake-up service.
// Lateness = time of the IncidentEscalated decision − the deadline it served.
#include "bench_support.hpp"

#include "domain/envelope.hpp"
#include "domain/ulid.hpp"

#include <benchmark/benchmark.h>
#include <caf/all.hpp>

#include <thread>

namespace tocsin::bench {
namespace {

constexpr domain::duration sla = 60 * domain::nanos_per_second;

domain::tenant_policy timer_policy() {
  auto p = domain::default_policy("bench");
  p.sla[domain::severity::high] = sla;
  return p;
}

// Writes `n` Open incidents whose deadlines fall at start + i * window / n.
std::vector<std::string> write_deadlines(persistence::store& st, std::size_t n,
                                         domain::timestamp start, domain::duration window) {
  domain::splitmix64 rnd{99};
  std::vector<std::string> ids;
  std::vector<persistence::append_request> batch;
  for (std::size_t i = 0; i < n; ++i) {
    const auto deadline = start + static_cast<domain::timestamp>(window / static_cast<domain::duration>(n) * static_cast<domain::duration>(i));
    auto partition = static_cast<std::uint16_t>(rnd.next() % st.options().partitions);
    auto id = domain::make_ulid(deadline - sla, partition, rnd).str();
    domain::incident_opened ev;
    ev.id = id;
    ev.tenant = "bench";
    ev.title = "timer " + std::to_string(i);
    ev.sev = domain::severity::high;
    ev.at = deadline - sla;
    persistence::append_request req;
    req.aggregate_id = id;
    req.events = domain::make_envelopes(domain::incident_state{}, partition, {ev});
    req.deadline = deadline;
    auto r = st.append_sync(std::move(req)); // setup only: speed is not measured here
    if (!r.ok())
      throw std::runtime_error(r.err.message);
    ids.push_back(std::move(id));
  }
  return ids;
}

void BM_timer_lateness(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const domain::duration window = state.range(1) * domain::nanos_per_second;
  for (auto _ : state) {
    scratch_dir dir{"timers"};
    persistence::store_options opts;
    opts.dir = dir.path();
    actors::system_clock clock;
    const auto start = clock.now() + 20 * domain::nanos_per_second; // after loading
    std::vector<std::string> ids;
    {
      auto load_opts = opts;
      load_opts.sync = persistence::sync_mode::no_sync;
      auto st = persistence::store::open(load_opts);
      ids = write_deadlines(**st, n, start, window);
      (*st)->close();
    }
    running_engine e{opts};
    if (auto err = e.eng->apply_policy(timer_policy(), "api"); err.code != domain::errc::ok)
      state.SkipWithError(err.message.c_str());
    // Wait until the window and a grace period have passed.
    const auto end = start + window + 5 * domain::nanos_per_second;
    while (clock.now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    std::vector<double> late_ms;
    std::size_t missed = 0;
    for (const auto& id : ids) {
      auto v = e.store->load_incident(id);
      if (!v || v->status != domain::incident_status::escalated) {
        ++missed;
        continue;
      }
      const auto deadline = v->entered_at[0] + sla;
      const auto fired = v->entered_at[static_cast<std::size_t>(domain::incident_status::escalated)];
      late_ms.push_back(static_cast<double>(fired - deadline) / 1e6);
    }
    state.counters["deadlines"] = static_cast<double>(n);
    state.counters["missed"] = static_cast<double>(missed);
    state.counters["p50_late_ms"] = quantile(late_ms, 0.50);
    state.counters["p99_late_ms"] = quantile(late_ms, 0.99);
    state.counters["max_late_ms"] = quantile(late_ms, 1.0);
  }
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_timer_lateness)->Args({100'000, 60})->Iterations(1)
  ->Unit(benchmark::kSecond);
