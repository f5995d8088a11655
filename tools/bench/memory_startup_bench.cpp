// RSS per activated incident actor (100,000 activations) and start-up time with 1,000,000 stored
// incidents (open store + actor system + engine + first answered get), warm page cache.
#include "bench_support.hpp"

#include <benchmark/benchmark.h>
#include <caf/all.hpp>

#include <chrono>
#include <fstream>
#include <unistd.h>

namespace tocsin::bench {
namespace {

void BM_rss_per_active_incident(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    scratch_dir dir{"rss"};
    persistence::store_options opts;
    opts.dir = dir.path();
    opts.sync = persistence::sync_mode::no_sync; // loading speed only; not what is measured
    actors::engine_options eopts;
    eopts.passivate_after = std::chrono::hours{1};
    running_engine e{opts, eopts};
    auto ids = bulk_open(*e.store, n, 4096);
    // Warm up allocator arenas and CAF's scheduler before the baseline.
    for (std::size_t i = 0; i < 1000 && i < ids.size(); ++i)
      (void) e.eng->get(ids[i]);
    auto before = rss_bytes();
    caf::scoped_actor self{*e.sys};
    const std::size_t window = 2048;
    for (std::size_t start = 1000; start < ids.size(); start += window) {
      std::vector<decltype(self->request(e.eng->router(), caf::infinite,
                                         actors::get_atom::value, ids[0]))> hs;
      for (std::size_t i = start; i < std::min(ids.size(), start + window); ++i)
        hs.push_back(self->request(e.eng->router(), caf::infinite, actors::get_atom::value,
                                   ids[i]));
      for (auto& h : hs)
        h.receive([](actors::incident_view&) {}, [&](caf::error&) {
          state.SkipWithError("activation failed");
        });
    }
    auto after = rss_bytes();
    auto active = e.eng->stats().active_actors;
    state.counters["active_actors"] = static_cast<double>(active);
    state.counters["rss_bytes_per_actor"] =
      static_cast<double>(after - before) / static_cast<double>(ids.size() - 1000);
  }
}

// One store of `n` incidents shared by the warm and cold runs (loading it takes seconds).
struct stored_incidents {
  scratch_dir dir{"startup"};
  persistence::store_options opts;
  std::string probe; // an incident that must be answered after start-up
  std::string error;

  explicit stored_incidents(std::size_t n) {
    opts.dir = dir.path();
    auto load_opts = opts;
    load_opts.sync = persistence::sync_mode::no_sync; // loading speed only; not what is measured
    auto st = persistence::store::open(load_opts);
    if (!st) {
      error = st.err().message;
      return;
    }
    probe = bulk_open(**st, n, 8192).back();
    (*st)->close();
  }
};

// Cold: the page cache is dropped before each start (needs root; reported as an error if not).
bool drop_page_cache() {
  ::sync();
  std::ofstream drop{"/proc/sys/vm/drop_caches"};
  drop << "3\n";
  drop.flush();
  return static_cast<bool>(drop);
}

void BM_startup_with_stored_incidents(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool cold = state.range(1) != 0;
  static stored_incidents data{n};
  if (!data.error.empty()) {
    state.SkipWithError(data.error.c_str());
    return;
  }
  for (auto _ : state) {
    if (cold && !drop_page_cache()) {
      state.SkipWithError("cannot drop the page cache (needs root)");
      return;
    }
    auto t0 = std::chrono::steady_clock::now();
    running_engine e{data.opts};
    auto v = e.eng->get(data.probe); // serving: an incident answered from the store
    auto t1 = std::chrono::steady_clock::now();
    if (!v)
      state.SkipWithError("probe incident missing after restart");
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  state.counters["stored_incidents"] = static_cast<double>(n);
  state.counters["cold"] = cold ? 1 : 0;
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_rss_per_active_incident)->Arg(100'000)->Iterations(1)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(tocsin::bench::BM_startup_with_stored_incidents)->Args({1'000'000, 0})
  ->Args({1'000'000, 1})->Iterations(5)
  ->UseManualTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
