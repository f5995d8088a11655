// SLO definitions from OpenSLO v1 YAML (format: config/slo/example-slo.yaml). Called when SLOs
// are loaded or reloaded, before they reach slo_actors; pure apart from reading the file;
// thread-safe.
//
// Supported: kind SLO with an inline indicator (or indicatorRef to a kind SLI document) whose
// spec.ratioMetric counts good|bad and total from `metricSource: {type: tocsin, spec: {series:
// span|metric|log, ...}}`; one objective (target or targetPercent); one rolling timeWindow;
// budgetingMethod Occurrences; alertPolicies inline or by alertPolicyRef, their conditions inline
// or by conditionRef, each a burnrate condition {op: gte, threshold, lookbackWindow,
// alertAfter (or shortWindow)} with a severity (page -> high, ticket -> warning, or critical |
// high | warning | info). Documents of kind Service, DataSource and AlertNotificationTarget are
// skipped. Anything else is refused rather than guessed at.
#pragma once

#include "domain/error.hpp"
#include "domain/slo.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tocsin::config {

/// Every SLO of a (multi-document) OpenSLO text, for `tenant`, validated (domain::validate).
/// Errors (errc::invalid_argument) name `name`, the 1-based line and the key, e.g.
///   slo/checkout.yaml:12: spec.objectives[0].target: must be in (0, 1)
domain::result<std::vector<domain::slo_definition>>
parse_openslo_text(std::string_view yaml, const std::string& name, const std::string& tenant);

/// As parse_openslo_text on the file at `path`. errc::not_found when it cannot be read.
domain::result<std::vector<domain::slo_definition>>
load_openslo_file(const std::string& path, const std::string& tenant);

} // namespace tocsin::config
