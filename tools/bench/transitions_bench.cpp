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

// `slots` drivers each walk their share of the incidents through `steps` commands, one command
// in flight per slot: every reply sends the slot's next command (its next incident's first once
// one is done), so `slots` commands are in flight until the work runs out.
drive_result drive(caf::actor_system& sys, const caf::actor& router,
                   const std::vector<std::string>& ids, std::size_t slots, std::size_t steps,
                   std::function<domain::incident_command(std::size_t step)> command_for) {
  auto out = std::make_shared<drive_result>();
  out->latency_us.reserve(ids.size() * steps);
  slots = std::max<std::size_t>(1, std::min(slots, ids.size()));
  std::promise<void> finished;
  auto done = finished.get_future();
  auto start = clock_type::now();
  // Lives in this frame, which outlives the driver: done.wait() below returns after the last reply.
  std::function<void(std::size_t, std::size_t)> send_step;
  sys.spawn([&, out](caf::event_based_actor* self) {
    auto remaining = std::make_shared<std::size_t>(slots);
    // Slot k owns incidents k, k + slots, k + 2 * slots, ...
    send_step = [=, &ids, &finished, &send_step](std::size_t i, std::size_t step) {
      auto sent = clock_type::now();
      auto next = [=, &ids, &finished, &send_step] {
        if (step + 1 < steps)
          send_step(i, step + 1);
        else if (i + slots < ids.size())
          send_step(i + slots, 0);
        else if (--*remaining == 0)
          finished.set_value();
      };
      self
        ->request(router, caf::infinite, actors::command_atom::value, ids[i], command_for(step),
                  std::uint64_t{0})
        .then(
          [=](actors::command_reply&) {
            out->latency_us.push_back(
              std::chrono::duration<double, std::micro>(clock_type::now() - sent).count());
            next();
          },
          [=](caf::error&) {
            ++out->failures;
            next();
          });
    };
    for (std::size_t k = 0; k < slots; ++k)
      send_step(k, 0);
  });
  done.wait();
  out->seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return std::move(*out);
}

// The lifecycle of DESIGN.md §4 after an open: every command is a state transition.
domain::incident_command lifecycle_command(std::size_t step) {
  switch (step) {
  case 0: return domain::acknowledge{"bench"};
  case 1: return domain::begin_investigation{"bench"};
  case 2: return domain::apply_mitigation{"rolled back", "bench"};
  default: return domain::resolve{"bad deploy", "bench"};
  }
}
constexpr std::size_t lifecycle_steps = 4;

// Opens `incidents` (group-committed straight to the store: setup, not measured), then drives
// each through ack → investigate → mitigate → resolve with `slots` commands in flight.
void run_transitions(benchmark::State& state, std::size_t incidents, std::size_t slots) {
  for (auto _ : state) {
    scratch_dir dir{"transitions"};
    persistence::store_options opts;
    opts.dir = dir.path();
    opts.sync = persistence::sync_mode::durable;
    running_engine e{opts};
    auto ids = bulk_open(*e.store, incidents, 4096);
    const auto commits_before = e.store->stats().commits;
    auto r = drive(*e.sys, e.eng->router(), ids, slots, lifecycle_steps, lifecycle_command);
    if (r.failures > 0)
      state.SkipWithError("transitions refused");
    auto n = static_cast<double>(r.latency_us.size());
    state.SetIterationTime(r.seconds);
    state.counters["transitions_per_s"] = n / r.seconds;
    state.counters["p50_us"] = quantile(r.latency_us, 0.50);
    state.counters["p99_us"] = quantile(r.latency_us, 0.99);
    state.counters["in_flight"] = static_cast<double>(slots);
    const auto commits = e.store->stats().commits - commits_before;
    state.counters["transitions_per_commit"] = commits ? n / static_cast<double>(commits) : 0;
  }
}

void BM_durable_transitions_grouped(benchmark::State& state) {
  run_transitions(state, 50'000, static_cast<std::size_t>(state.range(0)));
}

// The same path with one transition in flight: every commit carries exactly one transition.
void BM_durable_transitions_single(benchmark::State& state) {
  run_transitions(state, 1'000, 1);
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_durable_transitions_single)->Iterations(1)->UseManualTime()
  ->Unit(benchmark::kMillisecond);
BENCHMARK(tocsin::bench::BM_durable_transitions_grouped)->Arg(256)->Arg(1024)->Arg(4096)
  ->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
