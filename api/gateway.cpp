// Health starts SERVING only once every service is registered and flips to NOT_SERVING first
// thing on stop, so load balancers drain before calls are refused.
#include "api/gateway.hpp"

#include "api/admin_service.hpp"
#include "api/auth.hpp"
#include "api/blocking_pool.hpp"
#include "api/event_tailer.hpp"
#include "api/feedback_service.hpp"
#include "api/incident_service.hpp"
#include "api/policy_service.hpp"
#include "api/slo_service.hpp"
#include "api/subscription_service.hpp"
#include "api/subscription_tailer.hpp"
#include "api/service_env.hpp"

#include <absl/synchronization/mutex.h>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace tocsin::api {

namespace {

constexpr std::chrono::milliseconds shutdown_grace{2'000};
// Reply handlers of one bridge run one at a time: a few bridges spread them over CAF's workers.
constexpr int bridge_actors = 4;

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

void stop_bridges(service_env& env) {
  for (auto& b : env.bridges)
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  env.bridges.clear();
}

const char* const service_names[] = {"", "tocsin.v1.IncidentService", "tocsin.v1.AdminService",
                                     "tocsin.v1.PolicyService", "tocsin.v1.SloService",
                                     "tocsin.v1.FeedbackService",
                                     "tocsin.v1.SubscriptionService"};

} // namespace

struct gateway::impl {
  std::unique_ptr<authenticator> auth;
  std::unique_ptr<blocking_pool> pool;
  std::unique_ptr<service_env> env;
  std::unique_ptr<event_tailer> tailer;
  std::unique_ptr<incident_service> incidents;
  std::unique_ptr<admin_service> admin;
  std::unique_ptr<policy_service> policy;
  std::unique_ptr<slo_service> slo;
  std::unique_ptr<feedback_service> feedback;
  std::unique_ptr<subscription_tailer> subscriptions;
  std::unique_ptr<subscription_service> subscribe;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

gateway::gateway() : impl_(std::make_unique<impl>()) {}

gateway::~gateway() { stop(); }

int gateway::port() const { return impl_->server ? impl_->port : 0; }

domain::error gateway::start(const api_options& opts, caf::actor_system& sys, caf::actor router,
                             persistence::store& st, gateway_links links) {
  using domain::errc;
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  const bool tls = !opts.tls_cert.empty() || !opts.tls_key.empty();
  if (tls) {
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!read_file(opts.tls_cert, pair.cert_chain))
      return domain::make_error(errc::invalid_argument, "api.tls.cert: cannot read " + opts.tls_cert);
    if (!read_file(opts.tls_key, pair.private_key))
      return domain::make_error(errc::invalid_argument, "api.tls.key: cannot read " + opts.tls_key);
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    creds = grpc::SslServerCredentials(ssl);
  }
  auto& m = *impl_;
  m.auth = std::make_unique<authenticator>(opts);
  m.pool = std::make_unique<blocking_pool>(2);
  m.env = std::make_unique<service_env>();
  m.tailer = std::make_unique<event_tailer>(st, m.env->counters);
  m.env->system = &sys;
  m.env->router = std::move(router);
  m.env->store = &st;
  m.env->policies = std::move(links.policies);
  m.env->delivery_stats = std::move(links.delivery_stats);
  m.env->slos = std::move(links.slos);
  m.env->replay_dead_letter = std::move(links.replay_dead_letter);
  m.env->feedback = std::move(links.feedback);
  m.env->feedback_topic = links.feedback_topic;
  m.env->governance_topic = links.governance_topic;
  m.subscriptions =
    std::make_unique<subscription_tailer>(st, links.feedback_topic, links.governance_topic);
  m.env->subscriptions = m.subscriptions.get();
  m.env->auth = m.auth.get();
  m.env->pool = m.pool.get();
  m.env->tailer = m.tailer.get();
  m.env->listen_address = opts.listen;
  m.env->tls = tls;
  for (int i = 0; i < bridge_actors; ++i)
    m.env->bridges.push_back(sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
      return {[=](bridge_job& job) { job.run(self); }};
    }));
  m.incidents = std::make_unique<incident_service>(*m.env);
  m.admin = std::make_unique<admin_service>(*m.env);
  m.policy = std::make_unique<policy_service>(*m.env);
  m.slo = std::make_unique<slo_service>(*m.env);
  m.feedback = std::make_unique<feedback_service>(*m.env);
  m.subscribe = std::make_unique<subscription_service>(*m.env);

  // Debian's abseil is built with Mutex deadlock detection on: a cycle graph update on every
  // lock, a few percent of the API's CPU. It is a debugging aid, so it is off while we serve.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(opts.listen, creds, &m.port);
  builder.RegisterService(m.incidents.get());
  builder.RegisterService(m.admin.get());
  builder.RegisterService(m.policy.get());
  builder.RegisterService(m.slo.get());
  builder.RegisterService(m.feedback.get());
  builder.RegisterService(m.subscribe.get());
  m.server = builder.BuildAndStart();
  if (!m.server || m.port == 0) {
    m.server.reset();
    m.pool->stop();
    stop_bridges(*m.env);
    return domain::make_error(errc::unavailable, "cannot listen on " + opts.listen);
  }
  m.tailer->start();
  m.subscriptions->start();
  if (auto* health = m.server->GetHealthCheckService())
    for (const char* name : service_names)
      health->SetServingStatus(name, true);
  spdlog::info("operator API listening on {} (port {}, tls {}, {} tokens{})", opts.listen, m.port,
               tls ? "on" : "off", m.auth->token_count(),
               opts.allow_anonymous ? ", anonymous access allowed" : "");
  if (m.auth->token_count() == 0 && !opts.allow_anonymous)
    spdlog::warn("operator API: no token configured and anonymous access is off: every call "
                 "will be refused");
  return {};
}

void gateway::stop() {
  auto& m = *impl_;
  if (!m.server)
    return;
  if (auto* health = m.server->GetHealthCheckService())
    health->Shutdown();
  m.tailer->stop();
  m.subscriptions->stop();
  m.server->Shutdown(std::chrono::system_clock::now() + shutdown_grace);
  m.server->Wait();
  m.pool->stop();
  m.server.reset();
  stop_bridges(*m.env);
  spdlog::info("operator API stopped");
}

} // namespace tocsin::api
