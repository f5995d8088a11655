// Durable incident transitions per second end to end over gRPC. A C++ async (completion-queue)
// client keeps N requests in flight against the operator API served in-process on loopback
// (auth on: a tenant bearer token), over the engine and a durable (fsync) LMDB store in
// var/bench. Each in-flight slot walks incidents through a whole lifecycle, one request at a
// time: Open, Acknowledge, BeginInvestigation, (Escalate, Engage) x C, Mitigate, Resolve — 5 + 2C
// durable commands per incident, then the next incident. A reply counts once its events are
// durable.
// Incidents stay small (as real ones do): cycling one incident forever would grow its state,
// and with it every reply, without bound.
#include "bench_support.hpp"

#include "api/gateway.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <sys/resource.h>

namespace tocsin::bench {
namespace {

namespace pb = ::tocsin::v1;
using clock_type = std::chrono::steady_clock;

constexpr const char* bench_token = "bench-token";

// CPU seconds (user + system, all threads) of this process: client, server, engine and store.
// Throughput moves with whatever else the machine runs; CPU per transition much less so.
double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

// One request in flight at a time; its completion sends the next one.
struct slot {
  std::string id;
  std::size_t step = 0; // within the current incident
  std::size_t sent_total = 0;
  std::unique_ptr<grpc::ClientContext> ctx;
  pb::IncidentResponse resp;
  pb::GetIncidentResponse got;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<pb::IncidentResponse>> rpc;
  std::unique_ptr<grpc::ClientAsyncResponseReader<pb::GetIncidentResponse>> get_rpc;
  clock_type::time_point sent;
  std::vector<double> latency_us;
};

struct driver {
  pb::IncidentService::Stub* stub = nullptr;
  std::vector<slot> slots;
  std::size_t per_slot = 0;   // requests each slot sends
  std::size_t steps_per_incident = 5; // Open .. Resolve with `cycles` escalate/engage pairs
  bool floor = false;         // Get on a malformed id: refused on the gRPC thread, no engine work
  std::atomic<std::size_t> remaining{0};
  std::atomic<std::size_t> failures{0};
  std::promise<void> finished;
  std::mutex err_mu;
  std::string first_error;
  // The thread that polls the connection also sends the next request: no extra client hop.
  grpc::CompletionQueue cq;

  template <class Request>
  static Request with_target(const slot& s) {
    Request r;
    r.mutable_target()->set_id(s.id);
    r.mutable_target()->set_by("bench");
    return r;
  }

  void send(slot& s) {
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.ctx->AddMetadata("authorization", std::string{"Bearer "} + bench_token);
    s.ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{30});
    s.sent = clock_type::now();
    if (floor) {
      pb::GetIncidentRequest bad;
      bad.set_id("not-an-id");
      s.get_rpc = stub->PrepareAsyncGet(s.ctx.get(), bad, &cq);
      s.get_rpc->StartCall();
      s.get_rpc->Finish(&s.got, &s.status, &s);
      return;
    }
    auto* c = s.ctx.get();
    const auto step = s.step;
    if (step == 0) {
      pb::OpenIncidentRequest open;
      open.set_title("bench incident");
      open.set_severity(pb::SEVERITY_HIGH);
      open.set_by("bench");
      s.rpc = stub->PrepareAsyncOpen(c, open, &cq);
    } else if (step == 1) {
      s.rpc = stub->PrepareAsyncAcknowledge(c, with_target<pb::AcknowledgeRequest>(s), &cq);
    } else if (step == 2) {
      s.rpc = stub->PrepareAsyncBeginInvestigation(
        c, with_target<pb::BeginInvestigationRequest>(s), &cq);
    } else if (step + 1 == steps_per_incident) {
      auto r = with_target<pb::ResolveRequest>(s);
      r.set_root_cause("bench");
      s.rpc = stub->PrepareAsyncResolve(c, r, &cq);
    } else if (step + 2 == steps_per_incident) {
      auto r = with_target<pb::MitigateRequest>(s);
      r.set_mitigation("bench");
      s.rpc = stub->PrepareAsyncMitigate(c, r, &cq);
    } else if (step % 2 == 1) {
      s.rpc = stub->PrepareAsyncEscalate(c, with_target<pb::EscalateRequest>(s), &cq);
    } else {
      s.rpc = stub->PrepareAsyncEngage(c, with_target<pb::EngageRequest>(s), &cq);
    }
    s.rpc->StartCall();
    s.rpc->Finish(&s.resp, &s.status, &s);
  }

  void on_reply(slot& s, const grpc::Status& st) {
    s.latency_us.push_back(
      std::chrono::duration<double, std::micro>(clock_type::now() - s.sent).count());
    if (!st.ok() && !floor) {
      failures.fetch_add(1);
      std::lock_guard<std::mutex> lock{err_mu};
      if (first_error.empty())
        first_error = st.error_message();
    } else {
      if (!floor && s.step == 0)
        s.id = s.resp.incident().id();
      s.step = (s.step + 1) % steps_per_incident;
      if (++s.sent_total < per_slot) {
        send(s);
        return;
      }
    }
    if (remaining.fetch_sub(1) == 1)
      finished.set_value();
  }

  void poll() {
    void* tag = nullptr;
    bool ok = false;
    while (cq.Next(&tag, &ok)) {
      auto* s = static_cast<slot*>(tag);
      on_reply(*s, ok ? s->status : grpc::Status{grpc::StatusCode::UNKNOWN, "cq failure"});
    }
  }

  double run() {
    remaining = slots.size();
    auto start = clock_type::now();
    std::thread poller{[this] { poll(); }};
    for (auto& s : slots)
      send(s);
    finished.get_future().wait();
    auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    cq.Shutdown();
    poller.join();
    return seconds;
  }

  std::vector<double> latencies() const {
    std::vector<double> all;
    for (const auto& s : slots)
      all.insert(all.end(), s.latency_us.begin(), s.latency_us.end());
    return all;
  }
};

// An in-process operator API over a durable engine, and a client channel to it.
struct api_under_test {
  scratch_dir dir;
  std::unique_ptr<running_engine> engine;
  api::gateway gw;
  std::unique_ptr<pb::IncidentService::Stub> stub;

  explicit api_under_test(const std::string& name) : dir(name) {
    persistence::store_options opts;
    opts.dir = dir.path();
    opts.sync = persistence::sync_mode::durable;
    engine = std::make_unique<running_engine>(opts);
    api::api_options api_opts;
    api_opts.listen = "127.0.0.1:0";
    api_opts.tenants = {{"bench", {bench_token}}};
    if (gw.start(api_opts, *engine->sys, engine->eng->router(), *engine->store).code
        != domain::errc::ok)
      throw std::runtime_error("gateway did not start");
    stub = pb::IncidentService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(gw.port()), grpc::InsecureChannelCredentials()));
  }
  ~api_under_test() { gw.stop(); }
};

void report(benchmark::State& state, driver& d, double seconds, double cpu, const char* rate) {
  auto lat = d.latencies();
  const auto n = static_cast<double>(lat.size());
  state.SetIterationTime(seconds);
  state.counters[rate] = n / seconds;
  state.counters["cpu_us_per_call"] = cpu * 1e6 / n;
  state.counters["p50_us"] = quantile(lat, 0.50);
  state.counters["p99_us"] = quantile(lat, 0.99);
  state.counters["max_us"] = quantile(lat, 1.0);
  state.counters["in_flight"] = static_cast<double>(d.slots.size());
}

void BM_grpc_durable_transitions(benchmark::State& state) {
  const auto in_flight = static_cast<std::size_t>(state.range(0));
  const auto total = static_cast<std::size_t>(state.range(1));
  const auto cycles = static_cast<std::size_t>(state.range(2));
  for (auto _ : state) {
    api_under_test api{"grpc-transitions"};
    driver d;
    d.stub = api.stub.get();
    d.slots.resize(in_flight);
    d.steps_per_incident = 5 + 2 * cycles;
    // Whole incidents per slot, so every incident ends Resolved.
    d.per_slot = std::max<std::size_t>(1, total / in_flight / d.steps_per_incident)
                 * d.steps_per_incident;
    for (auto& s : d.slots)
      s.latency_us.reserve(d.per_slot);
    const auto commits_before = api.engine->store->stats().commits;
    const auto events_before = api.engine->store->stats().events;
    const double cpu_before = process_cpu_seconds();
    const double seconds = d.run();
    const double cpu = process_cpu_seconds() - cpu_before;
    if (d.failures > 0) {
      state.SkipWithError(("transitions refused: " + d.first_error).c_str());
      return;
    }
    report(state, d, seconds, cpu, "transitions_per_s");
    auto s = api.engine->store->stats();
    state.counters["events_per_commit"] =
      s.commits > commits_before ? static_cast<double>(s.events - events_before)
                                     / static_cast<double>(s.commits - commits_before)
                                 : 0;
  }
}

// The same client and server doing no engine work: what gRPC alone costs on this machine.
void BM_grpc_rpc_floor(benchmark::State& state) {
  const auto in_flight = static_cast<std::size_t>(state.range(0));
  const auto total = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) {
    api_under_test api{"grpc-floor"};
    driver d;
    d.stub = api.stub.get();
    d.floor = true;
    d.slots.resize(in_flight);
    d.per_slot = total / in_flight;
    const double cpu_before = process_cpu_seconds();
    const double seconds = d.run();
    const double cpu = process_cpu_seconds() - cpu_before;
    report(state, d, seconds, cpu, "rpcs_per_s");
  }
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_grpc_rpc_floor)
  ->Args({64, 200'000})
  ->Iterations(1)
  ->UseManualTime()
  ->Unit(benchmark::kMillisecond);
// Args: in flight, transitions, escalate/engage cycles per incident.
BENCHMARK(tocsin::bench::BM_grpc_durable_transitions)
  ->Args({64, 200'000, 0})
  ->Args({64, 200'000, 8})
  ->Iterations(1)
  ->UseManualTime()
  ->Unit(benchmark::kMillisecond);
