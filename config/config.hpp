// tocsind's configuration: the typed form of config/tocsin.yaml and its loader. Called once at
// start-up by tocsind (and by tests); pure apart from reading the file, thread-safe.
#pragma once

#include "api/api_options.hpp"
#include "domain/error.hpp"
#include "domain/policy.hpp"
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
};

/// Reads and parses a YAML file. Errors (errc::invalid_argument; errc::not_found when the file
/// cannot be read) name the file, the 1-based line and the dotted key, e.g.
///   config/tocsin.yaml:7: store.partitions: expected a whole number between 1 and 65536,
///   got "abc"   (one line)
domain::result<tocsin_config> load_config(const std::string& path);

/// As load_config, on text already in memory; `name` stands for the file in messages.
domain::result<tocsin_config> parse_config(std::string_view text, const std::string& name);

} // namespace tocsin::config
