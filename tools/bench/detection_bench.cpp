// Detection overhead: from the arrival of the telemetry that makes an SLO's burn-rate condition
// true (the aggregation.spans() call carrying an error burst) to IncidentOpened being durable
// (its dedup entry, committed in the same transaction as the event, is readable). Real durable
// LMDB store, engine, aggregation and SLO runtime on the wall clock, default windows (5 s
// lateness) and SLO options. N SLOs on N series are set up healthy first (all of them stay
// active and evaluated); then each one in turn gets an error burst after a random pause (so the
// burst lands anywhere relative to evaluation coalescing and ticks). Optional background ingest
// on other series (spans/s, arg 1). Target: p99 <= 100 ms.
#include "bench_support.hpp"

#include "actors/aggregation.hpp"
#include "actors/slo_runtime.hpp"
#include "domain/dedup.hpp"
#include "domain/ulid.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <random>
#include <thread>

namespace tocsin::bench {
namespace {

using namespace std::chrono_literals;
constexpr domain::timestamp sec = domain::nanos_per_second;

domain::slo_definition detection_slo(const std::string& id, const domain::series_key& key) {
  domain::slo_definition d;
  d.id = id;
  d.tenant = "bench";
  d.service = key.service;
  d.ratio.bad = domain::series_selector{key, domain::measure::errors};
  d.ratio.total = domain::series_selector{key, domain::measure::count};
  d.target = 0.9;
  d.window = 60 * sec;
  d.conditions = {{"fast-burn", domain::severity::high, 10 * sec, 2 * sec, 2.0}};
  return d;
}

std::vector<domain::span_batch> spans(const std::string& name, int ok, int errors,
                                      domain::timestamp end, std::uint64_t& trace) {
  domain::span_batch b;
  for (int i = 0; i < ok + errors; ++i) {
    domain::span_record s;
    ++trace;
    for (int k = 0; k < 8; ++k)
      s.trace_id[15 - k] = static_cast<std::uint8_t>(trace >> (8 * k));
    s.span_id[7] = 1;
    s.service_name = "svc";
    s.span_name = name;
    s.kind = domain::span_kind::server;
    s.start_unix_nano = static_cast<std::uint64_t>(end - 5'000'000);
    s.end_unix_nano = static_cast<std::uint64_t>(end);
    s.status_code = i < errors ? domain::status_code::error : domain::status_code::ok;
    s.artifact_id = "artifact-1";
    b.spans.push_back(std::move(s));
  }
  std::vector<domain::span_batch> out;
  out.push_back(std::move(b));
  return out;
}

/// Feeds `rate` spans/s of other series in batches of 512 until stopped.
class background_load {
public:
  background_load(actors::aggregation& agg, const domain::clock& clk, double rate)
      : agg_(agg), clk_(clk), rate_(rate) {
    if (rate_ > 0)
      thread_ = std::thread([this] { run(); });
  }
  ~background_load() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  std::uint64_t sent() const { return sent_; }

private:
  void run() {
    std::uint64_t trace = 1ull << 40;
    const auto start = std::chrono::steady_clock::now();
    while (!stop_) {
      const double due = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                           .count() * rate_;
      if (static_cast<double>(sent_) + 512 > due) {
        std::this_thread::sleep_for(1ms);
        continue;
      }
      auto b = spans("bg-" + std::to_string(sent_ / 512 % 16), 500, 12, clk_.now() - 1'000'000,
                     trace);
      if (agg_.spans("bench", std::move(b)).ok())
        sent_ += 512;
      else
        std::this_thread::sleep_for(10ms);
    }
  }
  actors::aggregation& agg_;
  const domain::clock& clk_;
  double rate_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> sent_{0};
  std::thread thread_;
};

// Every SLO healthy on its baseline (the first windows close after the allowed lateness).
void wait_all_healthy(actors::slo_runtime& rt, int n) {
  const auto until = std::chrono::steady_clock::now() + 60s;
  for (int i = 0; i < n; ++i) {
    const std::string id = "detect-" + std::to_string(i);
    for (;;) {
      auto s = rt.status("bench", id);
      if (s && s->status.health == domain::slo_health::healthy)
        break;
      if (std::chrono::steady_clock::now() > until)
        throw std::runtime_error("SLO " + id + " did not turn healthy on its baseline");
      std::this_thread::sleep_for(20ms);
    }
  }
}

// `n` SLOs, each on its own series with 100 good spans of baseline.
void set_up(running_engine& e, actors::aggregation& agg, actors::slo_runtime& rt, int n,
            std::uint64_t& trace) {
  std::vector<domain::slo_definition> defs;
  for (int i = 0; i < n; ++i) {
    const auto op = "op-" + std::to_string(i);
    const auto key = domain::span_series("bench", "svc", op, domain::span_kind::server);
    defs.push_back(detection_slo("detect-" + std::to_string(i), key));
    if (!agg.spans("bench", spans(op, 100, 0, e.clock.now() - 1'000'000, trace)).ok())
      throw std::runtime_error("baseline refused (overloaded)");
  }
  if (auto r = rt.apply(std::move(defs)); !r)
    throw std::runtime_error(r.err().message);
  wait_all_healthy(rt, n);
}

// Milliseconds from the burst's spans() call until the incident's dedup entry is durable.
double detect_once(running_engine& e, actors::aggregation& agg, int rep, std::mt19937& rnd,
                   std::uint64_t& trace) {
  const std::string id = "detect-" + std::to_string(rep);
  const std::string op = "op-" + std::to_string(rep);
  std::this_thread::sleep_for(std::chrono::microseconds{rnd() % 30'000});
  const domain::dedup_key dedup{"bench", domain::incident_source::slo, id};
  auto seen = e.store->commit_count();
  auto burst = spans(op, 20, 80, e.clock.now() - 1'000'000, trace);
  const auto t0 = std::chrono::steady_clock::now();
  if (!agg.spans("bench", std::move(burst)).ok())
    throw std::runtime_error("burst refused (overloaded)");
  for (;;) {
    seen = e.store->wait_for_commit(seen, 1ms);
    auto open = e.store->find_open(dedup);
    if (open.ok() && *open)
      break;
    if (std::chrono::steady_clock::now() - t0 > 10s)
      throw std::runtime_error("no incident for " + id + " within 10 s");
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void BM_slo_detection_overhead(benchmark::State& state) {
  const int reps = static_cast<int>(state.range(0));
  const double background = static_cast<double>(state.range(1));
  for (auto _ : state) {
    try {
      scratch_dir dir{"detection"};
      persistence::store_options opts;
      opts.dir = dir.path();
      opts.sync = persistence::sync_mode::durable;
      running_engine e{opts};
      actors::aggregation_options aopts;
      aopts.shards = 2;
      actors::aggregation agg{*e.sys, *e.store, e.clock, aopts};
      actors::slo_runtime rt{*e.sys, *e.store, e.clock, e.eng->router(), agg, {}};
      std::uint64_t trace = 1;
      background_load bg{agg, e.clock, background};
      set_up(e, agg, rt, reps, trace);
      std::mt19937 rnd{42};
      std::vector<double> ms;
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < reps; ++i)
        ms.push_back(detect_once(e, agg, i, rnd, trace));
      const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      state.SetIterationTime(secs);
      const auto bg_sent = bg.sent();
      state.counters["reps"] = reps;
      state.counters["p50_ms"] = quantile(ms, 0.50);
      state.counters["p90_ms"] = quantile(ms, 0.90);
      state.counters["p99_ms"] = quantile(ms, 0.99);
      state.counters["max_ms"] = quantile(ms, 1.0);
      state.counters["bg_spans_per_s"] = static_cast<double>(bg_sent) / secs;
      const auto s = rt.stats();
      state.counters["evaluations"] = static_cast<double>(s.evaluations);
      rt.stop();
      agg.stop();
    } catch (const std::exception& ex) {
      state.SkipWithError(ex.what());
      break;
    }
  }
}

} // namespace
} // namespace tocsin::bench

// Args: repetitions (fresh SLO each), background ingest in spans/s on other series.
BENCHMARK(tocsin::bench::BM_slo_detection_overhead)
  ->Args({200, 0})
  ->Args({200, 100'000})
  ->Iterations(1)
  ->UseManualTime()
  ->Unit(benchmark::kMillisecond);
