// Tenant escalation policies from YAML (format: config/tenants/example-policy.yaml). Called when
// policies are loaded or reloaded, before they reach a policy_actor; pure apart from reading the
// file and its secrets (environment, files); thread-safe as long as the environment is not
// being modified concurrently.
#pragma once

#include "domain/error.hpp"
#include "domain/policy.hpp"

#include <string>
#include <string_view>

namespace tocsin::config {

/// Parses one policy and validates it (domain::validate). Errors (errc::invalid_argument) name
/// `name`, the 1-based line and the key, e.g.
///   tenants/acme.yaml:14: channels.pager.secret.env: environment variable PAGER_SECRET is not set
/// Sections left out take default_policy's values; `{file: path}` secrets are read relative to
/// the current directory.
domain::result<domain::tenant_policy> parse_policy_text(std::string_view yaml,
                                                        const std::string& name);

/// As parse_policy_text on the file at `path`; `{file: path}` secrets are relative to the
/// policy file's directory. errc::not_found when the file cannot be read.
domain::result<domain::tenant_policy> load_policy_file(const std::string& path);

} // namespace tocsin::config
