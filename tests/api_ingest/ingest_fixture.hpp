// Test fixture for the OTLP receivers: a real LMDB store, actor system, engine (policies, router)
// and aggregation, the receivers on loopback ports 0 with a metrics registry, and optionally the
// operator API wired to replay dead letters. Helpers build OTLP requests with the generated
// classes and read back series and dead letters. Test-only.
#pragma once

#include "actors/aggregation.hpp"
#include "actors/aggregation_messages.hpp"
#include "actors/engine.hpp"
#include "api/gateway.hpp"
#include "api/metrics_registry.hpp"
#include "api/otlp_dead_letter.hpp"
#include "api/otlp_receivers.hpp"
#include "api/self_metrics.hpp"
#include "support/actor_stack.hpp"
#include "support/eventually.hpp"
#include "support/grpc_client.hpp"

#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tocsin/v1/api.grpc.pb.h"

#include <caf/scoped_actor.hpp>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::test {

namespace col_trace = opentelemetry::proto::collector::trace::v1;
namespace col_metrics = opentelemetry::proto::collector::metrics::v1;
namespace col_logs = opentelemetry::proto::collector::logs::v1;
namespace otel_common = opentelemetry::proto::common::v1;
namespace otel_metrics = opentelemetry::proto::metrics::v1;
namespace pb = ::tocsin::v1;

struct ingest_setup {
  bool require_known_tenant = false;
  std::uint64_t max_queued = 1'000'000;
  std::size_t max_body = std::size_t{1} << 20;
  bool anonymous = true; // dev mode; tokens acme-token and ops-token always work
  bool with_gateway = false;
};

inline void set_attr(google::protobuf::RepeatedPtrField<otel_common::KeyValue>* attrs,
                     const std::string& key, const std::string& value) {
  auto* kv = attrs->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

struct ingest_fixture : actor_stack {
  ingest_setup setup;
  std::unique_ptr<actors::aggregation> agg;
  api::metrics_registry registry;
  api::metrics_registry::registration store_metrics;
  api::otlp_receivers receivers;
  api::gateway gw;

  explicit ingest_fixture(ingest_setup s = {}) : actor_stack("tocsin-ingest"), setup(s) {
    open_stack();
    actors::engine_options eo;
    eo.id_seed = 7;
    start_engine(eo);
    actors::aggregation_options ao;
    ao.shards = 2;
    ao.max_queued = s.max_queued;
    ao.retry_after = std::chrono::milliseconds{1500};
    agg = std::make_unique<actors::aggregation>(*sys, *store, clock, ao);
    store_metrics = api::register_store_metrics(registry, *store, std::chrono::milliseconds{0});

    api::otlp_receiver_options ro;
    ro.grpc_listen = "127.0.0.1:0";
    ro.http_listen = "127.0.0.1:0";
    ro.max_body = s.max_body;
    ro.require_known_tenant = s.require_known_tenant;
    ro.http_threads = 4;
    api::otlp_receiver_links links;
    links.tenant_known = [e = eng.get()](const std::string& t) {
      return e->policies().all().count(t) > 0;
    };
    links.metrics = &registry;
    links.health = api::router_health(*sys, eng->router());
    REQUIRE(receivers.start(ro, auth(), *agg, *store, clock, std::move(links)).code
            == domain::errc::ok);
    if (s.with_gateway) {
      api::gateway_links gl;
      gl.policies = eng->policy_manager();
      gl.replay_dead_letter = receivers.replayer();
      auto opts = auth();
      opts.listen = "127.0.0.1:0";
      REQUIRE(gw.start(opts, *sys, eng->router(), *store, std::move(gl)).code
              == domain::errc::ok);
    }
  }

  ~ingest_fixture() {
    gw.stop();
    receivers.stop();
    store_metrics.reset();
    agg->stop();
    agg.reset();
    close_stack();
  }

  api::api_options auth() const {
    api::api_options o;
    o.allow_anonymous = setup.anonymous;
    o.tenants = {{"acme", {"acme-token"}}};
    o.service_tokens = {{"ops", "ops-token", {"admin"}, {"*"}},
                        {"collector", "collector-token", {"telemetry:write"}, {"acme", "globex"}}};
    return o;
  }

  std::shared_ptr<grpc::Channel> otlp_channel() const {
    return loopback_channel(receivers.grpc_port());
  }
  std::unique_ptr<pb::AdminService::Stub> admin() const {
    return pb::AdminService::NewStub(loopback_channel(gw.port()));
  }
  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& token = {}) {
    return call_context(token);
  }

  /// `n` server spans of `service`/`name` ending now, `errors` of them with status ERROR.
  col_trace::ExportTraceServiceRequest traces(const std::string& service, const std::string& name,
                                              int n, int errors = 0,
                                              const std::string& tenant_hint = {}) const {
    col_trace::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    set_attr(rs->mutable_resource()->mutable_attributes(), "service.name", service);
    if (!tenant_hint.empty())
      set_attr(rs->mutable_resource()->mutable_attributes(), "tenant.id", tenant_hint);
    auto* ss = rs->add_scope_spans();
    const auto end = static_cast<std::uint64_t>(clock.now());
    for (int i = 0; i < n; ++i) {
      auto* sp = ss->add_spans();
      sp->set_trace_id(std::string(15, '\x11') + static_cast<char>(i + 1));
      sp->set_span_id(std::string(7, '\x22') + static_cast<char>(i + 1));
      sp->set_name(name);
      sp->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
      sp->set_start_time_unix_nano(end - 20'000'000);
      sp->set_end_time_unix_nano(end);
      if (i < errors)
        sp->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
    }
    return req;
  }

  /// One gauge point and one exponential-histogram point (unsupported: rejected one by one).
  col_metrics::ExportMetricsServiceRequest metrics_with_exp_histogram() const {
    col_metrics::ExportMetricsServiceRequest req;
    auto* rm = req.add_resource_metrics();
    set_attr(rm->mutable_resource()->mutable_attributes(), "service.name", "checkout");
    auto* sm = rm->add_scope_metrics();
    const auto now = static_cast<std::uint64_t>(clock.now());
    auto* g = sm->add_metrics();
    g->set_name("queue.depth");
    auto* gp = g->mutable_gauge()->add_data_points();
    gp->set_time_unix_nano(now);
    gp->set_as_int(12);
    auto* e = sm->add_metrics();
    e->set_name("latency.exp");
    auto* ep = e->mutable_exponential_histogram()->add_data_points();
    ep->set_time_unix_nano(now);
    ep->set_count(3);
    ep->set_scale(1);
    e->mutable_exponential_histogram()->set_aggregation_temporality(
      otel_metrics::AGGREGATION_TEMPORALITY_DELTA);
    return req;
  }

  /// The span series' calls and errors over the last hour, polled until `calls` arrive.
  domain::range_sum wait_for_calls(const std::string& tenant, const std::string& service,
                                   const std::string& name, std::uint64_t calls) {
    auto key = domain::span_series(tenant, service, name, domain::span_kind::server);
    domain::range_sum last;
    last.known = false;
    eventually([&] {
      last = query(key);
      return last.known && last.value.calls >= calls;
    });
    return last;
  }

  domain::range_sum query(const domain::series_key& key) {
    caf::scoped_actor self{*sys};
    domain::range_sum out;
    out.known = false;
    const auto now = clock.now();
    std::vector<actors::range_request> rs{{key, now - 3600 * domain::nanos_per_second,
                                           now + 60 * domain::nanos_per_second}};
    self->request(agg->shard_for(key), std::chrono::seconds{10}, actors::series_query_atom::value,
                  std::move(rs))
      .receive([&](std::vector<domain::range_sum>& r) { out = r.at(0); }, [](caf::error&) {});
    return out;
  }

  /// Every OTLP dead letter, oldest first.
  std::vector<std::pair<std::string, std::string>> dead_letters() {
    auto rows = store->scan(persistence::kv_db::dead_letters, "otlp/", "otlp/", 1000);
    REQUIRE(rows.ok());
    return *rows;
  }
};

/// The RetryInfo delay (ms) in a gRPC status's details; -1 when there is none.
inline long retry_delay_ms(const grpc::Status& s) {
  google::rpc::Status st;
  if (!st.ParseFromString(s.error_details()))
    return -1;
  for (const auto& d : st.details()) {
    google::rpc::RetryInfo info;
    if (d.UnpackTo(&info))
      return static_cast<long>(info.retry_delay().seconds() * 1000
                               + info.retry_delay().nanos() / 1'000'000);
  }
  return -1;
}

} // namespace tocsin::test
