// The `api:` section of tocsin.yaml (operator gRPC API: listen address, TLS, tenant and service
// tokens). Called by the config loader only (config.cpp), on the loading thread.
#pragma once

#include "api/api_options.hpp"
#include "config/yaml_walker.hpp"

#include <string>

namespace tocsin::config {

/// Reads `f` (the value of e.g. "api") into `out`, resolving token values from environment
/// variables and files; errors go through `w`. Messages name the variable or the file, never a
/// value.
void read_api_section(const yaml::walker& w, const yaml::field& f, api::api_options& out);

/// A secret written as {env: VARIABLE} or {file: path} (token values, the Knowledge Platform's
/// signing secret): its resolved value. Messages name the variable or the file, never a value.
std::string read_secret(const yaml::walker& w, const yaml::field& f);

/// Settings when the file has no `api:` key: anonymous only because no token exists and the
/// default address is loopback.
void default_api_section(api::api_options& out);

} // namespace tocsin::config
