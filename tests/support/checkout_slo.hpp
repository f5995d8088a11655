// The SLO the burn-rate and SLO-actor tests are about: the availability of checkout's
// `POST /pay` server spans, and a lookup of one condition in an evaluation. Test-only; pure.
#pragma once

#include "domain/burn_rate.hpp"
#include "domain/slo.hpp"
#include "domain/telemetry.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace tocsin::test {

inline domain::series_key checkout_key(const std::string& tenant = "acme") {
  return domain::span_series(tenant, "checkout", "POST /pay", domain::span_kind::server);
}

/// 99.9 % of checkout's calls succeed over 28 days; no conditions of its own, so the DESIGN.md
/// §5 defaults apply. Errors are the bad events, every call counts.
inline domain::slo_definition checkout_slo(const std::string& id = "checkout-availability",
                                           const std::string& tenant = "acme") {
  domain::slo_definition d;
  d.id = id;
  d.tenant = tenant;
  d.service = "checkout";
  d.ratio.bad = domain::series_selector{checkout_key(tenant), domain::measure::errors};
  d.ratio.total = domain::series_selector{checkout_key(tenant), domain::measure::count};
  d.target = 0.999;
  return d;
}

/// The status of condition `name` in `s`; FAILs the test when there is none.
inline const domain::condition_status& condition(const domain::slo_status& s,
                                                 const std::string& name) {
  for (const auto& c : s.conditions)
    if (c.name == name)
      return c;
  FAIL("no condition " << name);
  return s.conditions.front();
}

} // namespace tocsin::test
