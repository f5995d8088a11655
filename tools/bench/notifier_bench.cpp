// Notifier figures: notifications delivered per second to fast local receivers (webhook-sink
// processes answering 200 at once; journal already holding the pages, so this is consume +
// record + deliver + record the outcome), and page latency p50/p99 (critical incident opened
// through the engine → webhook received by the sink, wall clock on both sides).
#include "bench_support.hpp"

#include "actors/notifier.hpp"
#include "actors/policy_registry.hpp"
#include "domain/ulid.hpp"
#include "tools/webhook-sink/sink_process.hpp"

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace tocsin::bench {
namespace {

using namespace std::chrono_literals;

std::string sink_binary() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "webhook-sink")
      .string();
}

domain::tenant_policy bench_policy(const std::string& tenant,
                                   const std::vector<std::string>& urls) {
  domain::tenant_policy p = domain::default_policy(tenant);
  p.sla.clear(); // no timer steps during the run
  for (std::size_t i = 0; i < urls.size(); ++i) {
    domain::channel c;
    c.name = "c" + std::to_string(i);
    c.url = urls[i];
    c.format = domain::payload_format::tocsin;
    c.secret = "bench-secret"; // sign every body: part of the real cost
    p.channels[c.name] = c;
    p.role_channels["runtime.operator"].push_back(c.name);
  }
  return p;
}

// `incidents` incidents, each opened and paged to `channels` channels, appended straight to the
// journal with group commit (the notifier then finds a backlog of incidents × channels pages).
void load_pages(persistence::store& st, std::size_t incidents,
                const std::vector<std::string>& channels) {
  domain::splitmix64 rnd{99};
  actors::system_clock clock;
  std::mutex m;
  std::condition_variable cv;
  std::size_t outstanding = 0, failures = 0;
  for (std::size_t i = 0; i < incidents; ++i) {
    const auto partition = static_cast<std::uint16_t>(rnd.next() % st.options().partitions);
    const auto id = domain::make_ulid(clock.now(), partition, rnd).str();
    domain::incident_opened opened;
    opened.id = id;
    opened.tenant = "bench";
    opened.title = "bench incident " + std::to_string(i);
    opened.sev = domain::severity::critical;
    opened.at = clock.now();
    domain::escalation_step_taken step{domain::escalation_step{1, "runtime.operator", channels},
                                       opened.at};
    persistence::append_request req;
    req.aggregate_id = id;
    req.events = domain::make_envelopes(domain::incident_state{}, partition, {opened, step});
    {
      std::unique_lock<std::mutex> lock{m};
      cv.wait(lock, [&] { return outstanding < 1024; });
      ++outstanding;
    }
    st.append(std::move(req), [&](persistence::append_result r) {
      std::lock_guard<std::mutex> lock{m};
      failures += r.ok() ? 0 : 1;
      --outstanding;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock{m};
  cv.wait(lock, [&] { return outstanding == 0; });
  if (failures != 0)
    throw std::runtime_error("load_pages: appends failed");
}

bool pages_a_channel(const std::vector<domain::envelope>& events) {
  for (const auto& e : events)
    if (const auto* s = std::get_if<domain::escalation_step_taken>(&e.payload))
      if (!s->step.channels.empty())
        return true;
  return false;
}

std::uint64_t total(const std::vector<actors::channel_stats>& all,
                    std::uint64_t actors::channel_stats::*field) {
  std::uint64_t n = 0;
  for (const auto& s : all)
    n += s.*field;
  return n;
}

// Runs one measured iteration; throws on failure (the caller reports it: exceptions must not
// reach Google Benchmark, and unwinding here stops the sink processes).
void throughput_once(benchmark::State& state, std::size_t channels) {
  const std::size_t notifications = 20'000;
  {
    scratch_dir dir{"notifier"};
    std::vector<std::unique_ptr<sink::sink_process>> sinks;
    std::vector<std::string> urls, names;
    for (std::size_t i = 0; i < channels; ++i) {
      sinks.push_back(std::make_unique<sink::sink_process>(
          sink_binary(), "", std::vector<std::string>{"--threads", "24"}, 0,
          dir.path() + "/sink" + std::to_string(i) + ".out"));
      urls.push_back(sinks.back()->url());
      names.push_back("c" + std::to_string(i));
    }
    persistence::store_options opts;
    opts.dir = dir.path();
    opts.map_size = std::size_t{2} << 30;
    auto st = persistence::store::open(opts);
    if (!st.ok())
      throw std::runtime_error(st.err().message);
    load_pages(**st, notifications / channels, names);

    actors::policy_registry registry;
    registry.put(bench_policy("bench", urls));
    actors::notifier n(**st, registry);
    const auto start = std::chrono::steady_clock::now();
    if (n.start().code != domain::errc::ok)
      throw std::runtime_error("notifier did not start");
    while (total(n.stats(), &actors::channel_stats::delivered) < notifications) {
      if (std::chrono::steady_clock::now() - start > 300s)
        throw std::runtime_error("notifier bench: timed out");
      std::this_thread::sleep_for(1ms);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(secs);
    const auto all = n.stats();
    state.counters["delivered_per_s"] = static_cast<double>(notifications) / secs;
    state.counters["notifications"] = static_cast<double>(notifications);
    state.counters["failures"] = static_cast<double>(total(all, &actors::channel_stats::failures));
    n.stop();
    (*st)->close();
  }
}

void page_latency_once(benchmark::State& state) {
  const std::size_t pages = 200;
  {
    scratch_dir dir{"notifier-latency"};
    sink::sink_process sink(sink_binary(), dir.path() + "/sink.jsonl", {"--threads", "8"});
    persistence::store_options opts;
    opts.dir = dir.path() + "/store";
    running_engine e(opts);
    e.eng->policies().put(bench_policy("acme", {sink.url()}));
    actors::notifier n(*e.store, e.eng->policies());
    if (n.start().code != domain::errc::ok)
      throw std::runtime_error("notifier did not start");
    std::map<std::string, domain::timestamp> opened_at; // incident id → wall ns before open
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < pages; ++i) {
      domain::open_incident o;
      o.tenant = "acme";
      o.title = "latency " + std::to_string(i);
      o.sev = domain::severity::critical;
      const auto t0 = e.clock.now();
      auto reply = e.eng->open(o);
      if (!reply.ok())
        throw std::runtime_error(reply.err().message);
      opened_at[reply->state.id] = t0;
      if (!pages_a_channel(reply->events)) {
        // The incident actor did not page from the policy (see the report): page by hand.
        domain::escalate esc{domain::escalation_reason::manual,
                             domain::escalation_step{2, "runtime.operator", {"c0"}}, "bench"};
        if (!e.eng->execute(reply->state.id, esc).ok())
          throw std::runtime_error("latency bench: escalate failed");
      }
      // One page at a time: latency without queueing behind earlier pages.
      while (total(n.stats(), &actors::channel_stats::delivered) < i + 1) {
        if (std::chrono::steady_clock::now() - start > 300s)
          throw std::runtime_error("latency bench: page not delivered (is a step configured?)");
        std::this_thread::sleep_for(200us);
      }
    }
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::vector<double> ms;
    for (const auto& req : sink.requests()) {
      auto body = nlohmann::json::parse(req["body"].get<std::string>(), nullptr, false);
      if (!body.is_object())
        continue;
      auto it = opened_at.find(body["incident"].value("id", ""));
      if (it != opened_at.end())
        ms.push_back(static_cast<double>(req["time_ns"].get<std::int64_t>() - it->second) / 1e6);
    }
    state.counters["pages"] = static_cast<double>(ms.size());
    state.counters["p50_ms"] = quantile(ms, 0.50);
    state.counters["p99_ms"] = quantile(ms, 0.99);
    n.stop();
  }
}

void BM_notifier_throughput(benchmark::State& state) {
  for (auto _ : state) {
    try {
      throughput_once(state, static_cast<std::size_t>(state.range(0)));
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
  }
}

void BM_notifier_page_latency(benchmark::State& state) {
  for (auto _ : state) {
    try {
      page_latency_once(state);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
  }
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_notifier_throughput)->Arg(1)->Arg(4)->Iterations(1)->UseManualTime()
  ->Unit(benchmark::kMillisecond);
BENCHMARK(tocsin::bench::BM_notifier_page_latency)->Iterations(1)->UseManualTime()
  ->Unit(benchmark::kMillisecond);
