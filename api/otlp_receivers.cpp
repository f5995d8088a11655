// Start order: the ingest core, then gRPC, then HTTP (its /healthz reports both ports). Stop in
// reverse, then the core, so no request or replay reaches the sink afterwards.
#include "api/otlp_receivers.hpp"

#include "api/auth.hpp"
#include "api/otlp_grpc.hpp"
#include "api/otlp_ingest.hpp"

#include <absl/synchronization/mutex.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <climits>

namespace tocsin::api {

namespace {

constexpr std::chrono::milliseconds shutdown_grace{2'000};

} // namespace

struct otlp_receivers::impl {
  otlp_counters counters;
  std::unique_ptr<authenticator> auth;
  std::unique_ptr<otlp_ingest> ingest;
  otlp_grpc_env grpc_env;
  std::unique_ptr<otlp_trace_service> traces;
  std::unique_ptr<otlp_metrics_service> metrics;
  std::unique_ptr<otlp_logs_service> logs;
  std::unique_ptr<grpc::Server> grpc_server;
  int grpc_port = 0;
  otlp_http_server http;
  metrics_registry::registration registered;
  bool stopped = false;

  domain::error start_grpc(const std::string& listen, std::size_t max_body);
  void stop_all();
};

domain::error otlp_receivers::impl::start_grpc(const std::string& listen, std::size_t max_body) {
  grpc_env = {auth.get(), ingest.get(), &counters};
  traces = std::make_unique<otlp_trace_service>(grpc_env);
  metrics = std::make_unique<otlp_metrics_service>(grpc_env);
  logs = std::make_unique<otlp_logs_service>(grpc_env);
  // See gateway.cpp: abseil's deadlock detection costs CPU on every lock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &grpc_port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<std::size_t>(max_body, INT_MAX)));
  builder.RegisterService(traces.get());
  builder.RegisterService(metrics.get());
  builder.RegisterService(logs.get());
  grpc_server = builder.BuildAndStart();
  if (!grpc_server || grpc_port == 0) {
    grpc_server.reset();
    return domain::make_error(domain::errc::unavailable, "cannot listen on " + listen);
  }
  return {};
}

void otlp_receivers::impl::stop_all() {
  registered.reset();
  http.stop();
  if (grpc_server) {
    grpc_server->Shutdown(std::chrono::system_clock::now() + shutdown_grace);
    grpc_server->Wait();
    grpc_server.reset();
  }
  if (ingest)
    ingest->stop();
}

otlp_receivers::otlp_receivers() : impl_(std::make_unique<impl>()) {}

otlp_receivers::~otlp_receivers() { stop(); }

int otlp_receivers::grpc_port() const { return impl_->grpc_server ? impl_->grpc_port : 0; }

int otlp_receivers::http_port() const { return impl_->http.port(); }

const otlp_counters& otlp_receivers::counters() const { return impl_->counters; }

domain::error otlp_receivers::start(const otlp_receiver_options& opts, const api_options& auth,
                                    actors::ingest_sink& sink, persistence::store& st,
                                    const domain::clock& clk, otlp_receiver_links links) {
  auto& m = *impl_;
  m.auth = std::make_unique<authenticator>(auth);
  otlp_ingest_options iopts;
  iopts.require_known_tenant = opts.require_known_tenant;
  iopts.tenant_known = std::move(links.tenant_known);
  m.ingest = std::make_unique<otlp_ingest>(sink, st, clk, m.counters, std::move(iopts));
  if (!opts.grpc_listen.empty())
    if (auto err = m.start_grpc(opts.grpc_listen, opts.max_body); err.code != domain::errc::ok) {
      m.stop_all();
      return err;
    }
  if (!opts.http_listen.empty()) {
    otlp_http_env env;
    env.auth = m.auth.get();
    env.ingest = m.ingest.get();
    env.counters = &m.counters;
    env.metrics = links.metrics;
    env.health = std::move(links.health);
    env.details["otlp_grpc"] = m.grpc_server ? opts.grpc_listen : "off";
    env.details["otlp_grpc_port"] = std::to_string(m.grpc_server ? m.grpc_port : 0);
    env.details["otlp_http"] = opts.http_listen;
    if (auto err = m.http.start(opts.http_listen, opts.max_body, opts.http_threads, std::move(env));
        err.code != domain::errc::ok) {
      m.stop_all();
      return err;
    }
  }
  if (links.metrics)
    m.registered = links.metrics->add("otlp receivers", [c = &m.counters](metric_writer& w) {
      c->collect(w);
    });
  spdlog::info("OTLP receivers: gRPC {} (port {}), HTTP {} (port {}), max body {} bytes{}",
               opts.grpc_listen.empty() ? "off" : opts.grpc_listen, grpc_port(),
               opts.http_listen.empty() ? "off" : opts.http_listen, http_port(), opts.max_body,
               opts.require_known_tenant ? ", known tenants only" : "");
  return {};
}

void otlp_receivers::stop() {
  auto& m = *impl_;
  if (!m.ingest || m.stopped)
    return;
  m.stopped = true;
  m.stop_all();
  spdlog::info("OTLP receivers stopped");
  // The core stays (stopped) so a late replay from the operator API answers unavailable.
}

void otlp_receivers::replay(const std::string& key,
                            std::function<void(dead_letter_replay_result)> done) {
  if (!impl_->ingest) {
    dead_letter_replay_result r;
    r.st = dead_letter_replay_result::status::unavailable;
    r.message = "the OTLP receivers are not running";
    done(std::move(r));
    return;
  }
  impl_->ingest->replay(key, std::move(done));
}

} // namespace tocsin::api
