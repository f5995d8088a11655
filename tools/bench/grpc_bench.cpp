// Durable incident transitions per second end to end over gRPC: a C++ callback-API client keeps
// N requests in flight (one per incident, Investigating <-> Escalated) against the operator API
// served in-process on loopback (auth on: a tenant bearer token), over the engine and a durable
// (fsync) LMDB store in var/bench. A reply is counted only once its event is durable.
#include "bench_support.hpp"

#include "api/gateway.hpp"
#include "tocsin/v1/api.grpc.pb.h"

#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>

namespace tocsin::bench {
namespace {

namespace pb = ::tocsin::v1;
using clock_type = std::chrono::steady_clock;

constexpr const char* bench_token = "bench-token";

// One incident with one request in flight at a time; the reply callback sends the next step.
struct slot {
  std::string id;
  std::size_t step = 0;
  std::unique_ptr<grpc::ClientContext> ctx;
  pb::EscalateRequest escalate;
  pb::EngageRequest engage;
  pb::AcknowledgeRequest ack;
  pb::BeginInvestigationRequest investigate;
  pb::IncidentResponse resp;
  pb::GetIncidentRequest bad_get;
  pb::GetIncidentResponse got;
  clock_type::time_point sent;
  std::vector<double> latency_us;
};

struct driver {
  pb::IncidentService::Stub* stub;
  std::vector<slot> slots;
  std::size_t steps = 0;
  bool prep = false; // Open -> Acknowledged -> Investigating instead of the cycle
  bool floor = false; // Get on a malformed id: refused on the gRPC thread, no engine work
  std::atomic<std::size_t> remaining{0};
  std::atomic<std::size_t> failures{0};
  std::promise<void> finished;
  std::mutex err_mu;
  std::string first_error;

  void send(slot& s) {
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.ctx->AddMetadata("authorization", std::string{"Bearer "} + bench_token);
    s.ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{30});
    s.sent = clock_type::now();
    auto done = [this, &s](grpc::Status st) { on_reply(s, st); };
    if (floor)
      stub->async()->Get(s.ctx.get(), &s.bad_get, &s.got, done);
    else if (prep && s.step == 0)
      stub->async()->Acknowledge(s.ctx.get(), &s.ack, &s.resp, done);
    else if (prep)
      stub->async()->BeginInvestigation(s.ctx.get(), &s.investigate, &s.resp, done);
    else if (s.step % 2 == 0)
      stub->async()->Escalate(s.ctx.get(), &s.escalate, &s.resp, done);
    else
      stub->async()->Engage(s.ctx.get(), &s.engage, &s.resp, done);
  }

  void on_reply(slot& s, const grpc::Status& st) {
    s.latency_us.push_back(
      std::chrono::duration<double, std::micro>(clock_type::now() - s.sent).count());
    if (!st.ok() && !floor) {
      failures.fetch_add(1);
      std::lock_guard<std::mutex> lock{err_mu};
      if (first_error.empty())
        first_error = st.error_message();
    } else if (++s.step < steps) {
      send(s);
      return;
    }
    if (remaining.fetch_sub(1) == 1)
      finished.set_value();
  }

  double run() {
    remaining = slots.size();
    auto start = clock_type::now();
    for (auto& s : slots)
      send(s);
    finished.get_future().wait();
    return std::chrono::duration<double>(clock_type::now() - start).count();
  }
};

std::unique_ptr<driver> make_driver(pb::IncidentService::Stub& stub,
                                    const std::vector<std::string>& ids, std::size_t steps,
                                    bool prep) {
  auto d = std::make_unique<driver>();
  d->stub = &stub;
  d->steps = steps;
  d->prep = prep;
  d->slots.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto& s = d->slots[i];
    s.id = ids[i];
    for (auto* t : {d->slots[i].escalate.mutable_target(), s.engage.mutable_target(),
                    s.ack.mutable_target(), s.investigate.mutable_target()}) {
      t->set_id(ids[i]);
      t->set_by("bench");
    }
    s.latency_us.reserve(steps);
  }
  return d;
}

void BM_grpc_durable_transitions(benchmark::State& state) {
  const auto in_flight = static_cast<std::size_t>(state.range(0));
  const auto total = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) {
    scratch_dir dir{"grpc-transitions"};
    persistence::store_options opts;
    opts.dir = dir.path();
    opts.sync = persistence::sync_mode::durable;
    running_engine e{opts};
    auto ids = bulk_open(*e.store, in_flight, 4096);

    api::api_options api_opts;
    api_opts.listen = "127.0.0.1:0";
    api_opts.tenants = {{"bench", {bench_token}}};
    api::gateway gw;
    if (gw.start(api_opts, *e.sys, e.eng->router(), *e.store).code != domain::errc::ok) {
      state.SkipWithError("gateway did not start");
      return;
    }
    grpc::ChannelArguments args;
    auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(gw.port()),
                                             grpc::InsecureChannelCredentials(), args);
    auto stub = pb::IncidentService::NewStub(channel);

    auto prep = make_driver(*stub, ids, 2, true);
    prep->run();
    if (prep->failures > 0) {
      state.SkipWithError(("preparation refused: " + prep->first_error).c_str());
      return;
    }
    const auto commits_before = e.store->stats().commits;
    const auto events_before = e.store->stats().events;
    auto d = make_driver(*stub, ids, std::max<std::size_t>(2, total / in_flight), false);
    const double seconds = d->run();
    if (d->failures > 0) {
      state.SkipWithError(("transitions refused: " + d->first_error).c_str());
      return;
    }
    std::vector<double> lat;
    for (auto& s : d->slots)
      lat.insert(lat.end(), s.latency_us.begin(), s.latency_us.end());
    const auto n = static_cast<double>(lat.size());
    state.SetIterationTime(seconds);
    state.counters["transitions_per_s"] = n / seconds;
    state.counters["p50_us"] = quantile(lat, 0.50);
    state.counters["p99_us"] = quantile(lat, 0.99);
    state.counters["max_us"] = quantile(lat, 1.0);
    state.counters["in_flight"] = static_cast<double>(in_flight);
    auto s = e.store->stats();
    state.counters["events_per_commit"] =
      s.commits > commits_before
        ? static_cast<double>(s.events - events_before) / static_cast<double>(s.commits - commits_before)
        : 0;
    gw.stop();
  }
}

// The same client and server doing no engine work: what gRPC alone costs on this machine.
void BM_grpc_rpc_floor(benchmark::State& state) {
  const auto in_flight = static_cast<std::size_t>(state.range(0));
  const auto total = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) {
    scratch_dir dir{"grpc-floor"};
    persistence::store_options opts;
    opts.dir = dir.path();
    running_engine e{opts};
    api::api_options api_opts;
    api_opts.listen = "127.0.0.1:0";
    api_opts.tenants = {{"bench", {bench_token}}};
    api::gateway gw;
    if (gw.start(api_opts, *e.sys, e.eng->router(), *e.store).code != domain::errc::ok) {
      state.SkipWithError("gateway did not start");
      return;
    }
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(gw.port()),
                                       grpc::InsecureChannelCredentials());
    auto stub = pb::IncidentService::NewStub(channel);
    std::vector<std::string> ids(in_flight, "not-an-id");
    auto d = make_driver(*stub, ids, total / in_flight, false);
    d->floor = true;
    for (auto& s : d->slots)
      s.bad_get.set_id("not-an-id");
    const double seconds = d->run();
    std::vector<double> lat;
    for (auto& s : d->slots)
      lat.insert(lat.end(), s.latency_us.begin(), s.latency_us.end());
    state.SetIterationTime(seconds);
    state.counters["rpcs_per_s"] = static_cast<double>(lat.size()) / seconds;
    state.counters["p50_us"] = quantile(lat, 0.50);
    state.counters["p99_us"] = quantile(lat, 0.99);
    gw.stop();
  }
}

} // namespace
} // namespace tocsin::bench

BENCHMARK(tocsin::bench::BM_grpc_rpc_floor)
  ->Args({64, 200'000})
  ->Iterations(1)
  ->UseManualTime()
  ->Unit(benchmark::kMillisecond);

BENCHMARK(tocsin::bench::BM_grpc_durable_transitions)
  ->Args({64, 200'000})
  ->Iterations(1)
  ->UseManualTime()
  ->Unit(benchmark::kMillisecond);
