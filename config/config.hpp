// tocsind's configuration: the typed form of config/tocsin.yaml and its loader. Called once at
// start-up by tocsind (and by tests); pure apart from reading the file, thread-safe.
#pragma once

#include "api/api_options.hpp"
#include "domain/error.hpp"
#include "domain/policy.hpp"
#include "domain/slo.hpp"
#include "domain/window.hpp"
#include "persistence/store.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace tocsin::config {

struct tocsin_config {
  std::string data_dir = "var/tocsin";
  std::string log_level = "info"; // trace | debug | info | warn | error
  persistence::store_options store; // store.dir == data_dir
  std::chrono::milliseconds passivate_after{60'000};
  std::string scheduler = "sharing"; // CAF scheduler: sharing | stealing
  /// `notifier:` webhook delivery (actors/notifier.hpp has the meaning of each).
  struct notifier_settings {
    bool enabled = true;
    std::uint32_t max_attempts = 8;
    std::chrono::milliseconds backoff_base{200};
    std::chrono::milliseconds backoff_max{30'000};
    std::chrono::milliseconds attempt_timeout{10'000};
    std::string external_url;
  } notifier;
  /// Tenant escalation policy files (`policies:`), relative to the config file's directory,
  /// and the policies load_config read from them (parse_config leaves this empty).
  std::vector<std::string> policy_files;
  std::vector<domain::tenant_policy> policies;
  api::api_options api; // `api:` (config/api_config.hpp); token values already resolved

  /// `otlp:` the OTLP receivers (api/otlp_receivers.hpp). Tenants and tokens are the `api:`
  /// section's: a tenant token's telemetry belongs to its tenant; anonymous callers (dev mode)
  /// name theirs with the `tenant.id` resource attribute, else "default".
  struct otlp_settings {
    bool enabled = true;
    std::string grpc_listen = "127.0.0.1:4317"; // OTLP/gRPC
    std::string http_listen = "127.0.0.1:4318"; // OTLP/HTTP, /metrics, /healthz
    std::size_t max_body = std::size_t{16} << 20; // request body / gRPC message limit, bytes
    /// Telemetry items (spans, points, records) handed to aggregators and not yet folded; a
    /// request that would go beyond is answered RESOURCE_EXHAUSTED / 429 with retry_after.
    std::uint64_t max_queued = 500'000; // about 120 MB of queued observations
    std::chrono::milliseconds retry_after{1000};
    /// Refuse (and dead-letter) telemetry of a tenant that has no escalation policy yet.
    bool require_known_tenant = false;
  } otlp;

  /// `aggregation:` the aggregator shards (actors/aggregation.hpp).
  struct aggregation_settings {
    std::uint32_t shards = 0; // 0: one per core
    domain::window_config windows; // resolution and retention tiers, lateness, exemplars
    /// How often shards advance their watermark with the clock (closing windows of idle
    /// series) and persist closed windows.
    std::chrono::milliseconds tick{100};
  } aggregation;

  /// `slo:` SLO evaluation (actors/slo_manager.hpp) and the OpenSLO files loaded at start.
  struct slo_settings {
    struct file {
      std::string tenant;
      std::string path; // relative to the config file's directory
    };
    std::vector<file> files;
    /// Evaluation as data arrives is coalesced to at most one per interval per SLO; every SLO
    /// is also evaluated every `evaluate_every` so staleness and recovery show without data.
    std::chrono::milliseconds min_interval{10};
    std::chrono::milliseconds evaluate_every{1000};
    /// While a breach lasts, at most one SignalRepeated per interval.
    std::chrono::milliseconds renotify{300'000};
  } slo;
  /// The SLOs load_config read from slo.files (parse_config leaves this empty).
  std::vector<domain::slo_definition> slos;

  /// `cost:` cost-anomaly detection (actors/cost_detector.hpp; the method in
  /// domain/cost_anomaly.hpp). Closed windows of `metric` are summed per tenant and per
  /// artifact.id into windows of `window` (a multiple of the aggregation resolution).
  struct cost_settings {
    bool enabled = true;
    std::string metric = "llm.cost";
    std::chrono::milliseconds window{60'000};
    double alpha = 0.3;      // EWMA weight of the newest window, (0, 1]
    double deviation = 3;    // anomalous at >= mean + deviation * stddev ...
    double min_ratio = 1.5;  // ... and >= mean * min_ratio ...
    double min_volume = 1;   // ... and >= min_volume (the metric's unit)
    std::uint32_t warmup = 5;         // windows that only teach the baseline
    std::uint32_t relearn_after = 30; // windows of a lasting excursion before it is the new level
  } cost;

  /// `knowledge_platform:` where the relay of the `feedback` topic POSTs each item
  /// (actors/topic_relay.hpp); no relay while url is empty.
  struct knowledge_platform_settings {
    std::string url;    // http:// or https://
    std::string secret; // {env: VAR} or {file: path}, resolved; signs bodies; never logged
    std::chrono::milliseconds timeout{10'000};      // per attempt, connect included
    std::chrono::milliseconds backoff_base{500};    // retries back off from here ...
    std::chrono::milliseconds backoff_max{60'000};  // ... up to this, for as long as it is down
  } knowledge_platform;
};

/// Reads and parses a YAML file. Errors (errc::invalid_argument; errc::not_found when the file
/// cannot be read) name the file, the 1-based line and the dotted key, e.g.
///   config/tocsin.yaml:7: store.partitions: expected a whole number between 1 and 65536,
///   got "abc"   (one line)
domain::result<tocsin_config> load_config(const std::string& path);

/// As load_config, on text already in memory; `name` stands for the file in messages.
domain::result<tocsin_config> parse_config(std::string_view text, const std::string& name);

} // namespace tocsin::config
