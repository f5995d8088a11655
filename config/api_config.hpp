// The `api:` section of tocsin.yaml (operator gRPC API: listen address, TLS, tenant and service
// tokens). Called by the config loader only (config.cpp), on the loading thread.
#pragma once

#include "api/api_options.hpp"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

namespace tocsin::config {

/// Reports an error at `mark` for the dotted `key` and does not return (the loader throws).
using api_fail = std::function<void(const YAML::Mark& mark, const std::string& key,
                                    const std::string& what)>;

/// Reads `node` (the value of `key`, e.g. "api") into `out`, resolving token values from
/// environment variables and files. Messages name the variable or the file, never a value.
void read_api_section(const YAML::Node& node, const std::string& key, const YAML::Mark& mark,
                      const api_fail& fail, api::api_options& out);

/// A secret written as {env: VARIABLE} or {file: path} (token values, the Knowledge Platform's
/// signing secret): its resolved value. Messages name the variable or the file, never a value.
std::string read_secret(const YAML::Node& node, const std::string& key, const YAML::Mark& mark,
                        const api_fail& fail);

/// Settings when the file has no `api:` key: anonymous only because no token exists and the
/// default address is loopback.
void default_api_section(api::api_options& out);

} // namespace tocsin::config
