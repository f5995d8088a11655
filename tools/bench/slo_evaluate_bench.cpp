// Cost of one SLO evaluation over a full history: the checkout SLO with the DESIGN.md §5 default
// conditions (windows up to 3 days, a 28-day SLO window) on a series that has had traffic every
// second for 28 days, so every tier of the window store is full. This is what an slo_actor pays
// per evaluation (as data arrives, at most once per slo.min_interval). Pure domain code, one core.
#include "domain/burn_rate.hpp"
#include "domain/series.hpp"
#include "domain/slo.hpp"
#include "domain/telemetry.hpp"
#include "domain/window.hpp"
#include "domain/window_value.hpp"

#include <benchmark/benchmark.h>

namespace tocsin::bench {
namespace {

using domain::nanos_per_second;

void BM_slo_evaluate_full_history(benchmark::State& state) {
  const auto key =
    domain::span_series("acme", "checkout", "POST /pay", domain::span_kind::server);
  domain::slo_definition d;
  d.id = "checkout-availability";
  d.tenant = "acme";
  d.ratio.bad = domain::series_selector{key, domain::measure::errors};
  d.ratio.total = domain::series_selector{key, domain::measure::count};
  d.target = 0.999;

  domain::window_store store;
  const domain::timestamp start = 1'700'000'000 * nanos_per_second;
  const domain::timestamp days = 28;
  domain::timestamp now = start;
  for (domain::timestamp s = 0; s < days * 86400; ++s) {
    now = start + s * nanos_per_second;
    store.add(domain::span_observation(now, 5'000'000, s % 500 == 0));
    store.add(domain::span_observation(now + nanos_per_second / 2, 7'000'000, false));
  }
  store.advance(now + nanos_per_second);
  (void)store.take_closed();
  domain::store_query q;
  q.add(key, store);
  for (auto _ : state) {
    auto st = domain::evaluate(d, q, now);
    benchmark::DoNotOptimize(st);
  }
  state.counters["windows_1s"] = static_cast<double>(store.tier_windows(0).size());
  state.counters["windows_1m"] = static_cast<double>(store.tier_windows(1).size());
  state.counters["windows_1h"] = static_cast<double>(store.tier_windows(2).size());
}
BENCHMARK(BM_slo_evaluate_full_history)->Unit(benchmark::kMicrosecond);

} // namespace
} // namespace tocsin::bench
