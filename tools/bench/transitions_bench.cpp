// Durable incident transitions per second through the actor path (router -> incident actor ->
// group-committed LMDB append -> reply), many incidents in flight, beside the single-commit rate
// (one transition in flight, so one transition per transaction) measured the same way.
#include "bench_support.hpp"

#include <benchmark/benchmark.h>
#include <caf/all.hpp>

#include <chrono>
#include <future>

namespace tocsin::bench {
namespace {

using clock_type = std::chrono::steady_clock;

struct drive_result {
  std::vector<double> latency_us;
  double seconds = 0;
  std::size_t failures = 0;
};

// Keeps one command in flight per incident; each reply sends that incident's next command.
drive_result drive(caf::actor_system& sys, const caf::actor& router,
                   const std::vector<std::string>& ids, std::size_t steps,
                   std::function<domain::incident_command(std::size_t step)> command_for) {
  auto out = std::make_shared<drive_result>();
  out->latency_us.reserve(ids.size() * steps);
  std::promise<void> finished;
  auto done = finished.get_future();
  auto start = clock_type::now();
  // Lives in this frame, which outlives the driver: done.wait() below returns after the last reply.
  std::function<void(std::size_t, std::size_t)> send_step;
  sys.spawn([&, out](caf::event_based_actor* self) {
    auto remaining = std::make_shared<std::size_t>(ids.size());
    send_step = [=, &ids, &finished, &send_step](std::size_t i, std::size_t step) {
      auto sent = clock_type::now();
      self
        ->request(router, caf::infinite, actors::command_atom::value, ids[i], command_for(step),
                  std::uint64_t{0})
        .then(
          [=, &send_step, &finished](actors::command_reply&) {
            out->latency_us.push_back(
              std::chrono::duration<double, std::micro>(clock_type::now() - sent).count());
            if (step + 1 < steps)
              send_step(i, step + 1);
            else if (--*remaining == 0)
              finished.set_value();
          },
          [=, &finished](caf::error&) {
            ++out->failures;
            if (--*remaining == 0)
              finished.set_value();
          });
    };
    for (std::size_t i = 0; i < ids.size(); ++i)
      send_step(i, 0);
  });
  done.wait();
  out->seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return std::move(*out);
}

domain::incident_command prep_command(std::size_t step) {
  if (step == 0)
    return domain::acknowledge{"bench"};
  return domain::begin_investigation{"bench"};
}

// Investigating -> Escalated -> Investigating -> ... : a lifecycle loop that never ends.
domain::incident_command cycle_command(std::size_t step) {
  if (step % 2 == 0)
    return domain::escalate{domain::escalation_reason::manual, std::nullopt, "bench"};
  return domain::engage_on_call{"bench"};
}

void run_transitions(benchmark::State& state, std::size_t incidents, std::size_t steps) {
  for (auto _ : state) {
    scratch_dir dir{"transitions"};
    persistence::store_options opts;
    opts.dir = dir.path();
    opts.sync = persistence::sync_mode::durable;
    running_engine e{opts};
    auto ids = bulk_open(*e.store, incidents, 4096);
    auto prep = drive(*e.sys, e.eng->router(), ids, 2, prep_command);
    if (prep.failures > 0)
      state.SkipWithError("preparation failed");
    auto r = drive(*e.sys, e.eng->router(), ids, steps, cycle_command);
    if (r.failures > 0)
      state.SkipWithError("transitions refused");
    auto n = static_cast<double>(r.latency_us.size());
    state.SetIterationTime(r.seconds);
    state.counters["transitions_per_s"] = n / r.seconds;
    state.counters["p50_us"] = quantile(r.latency_us, 0.50);
    state.counters["p99_us"] = quantile(r.latency_us, 0.99);
    state.counters["in_flight"] = static_cast<double>(incidents);
    auto s = e.store->stats();
    state.counters["events_per_commit"] =
      s.commits ? static_cast<double>(s.events) / static_cast<double>(s.commits) : 0;
  }
}

void BM_durable_transitions_grouped(benchmark::State& state) {
  const auto in_flight = static_cast<std::size_t>(state.range(0));
  run_transitions(state, in_flight, std::max<std::size_t>(2, 200'000 / in_flight));
}

// The same path with one transition in flight: every commit carries exactly one transition.
void BM_durable_transitions_single(benchmark::State& state) {
  run_transitions(state, 1, 4'000);
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_durable_transitions_single)->Iterations(1)->UseManualTime()
  ->Unit(benchmark::kMillisecond);
BENCHMARK(tocsin::bench::BM_durable_transitions_grouped)->Arg(256)->Arg(1024)->Arg(4096)
  ->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
