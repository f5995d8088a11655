// Governance in actor tests: a tenant policy with a governance channel, and the hand-offs a
// component appended to the "governance" topic, decoded. Test-only; call from the test thread.
#pragma once

#include "domain/governance.hpp"
#include "domain/policy.hpp"
#include "persistence/governance_codec.hpp"
#include "support/topic_values.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace tocsin::test {

/// `tenant`'s default policy (category cost routes to cost.analyst) with governance channel
/// "finops" on the discard port: the tests read the topic, nothing is delivered. Every rule is
/// off until the test sets its threshold.
inline domain::tenant_policy governance_policy(const std::string& tenant) {
  auto p = domain::default_policy(tenant);
  auto& finops = p.channels["finops"];
  finops.name = "finops";
  finops.url = "http://127.0.0.1:9/finops";
  p.governance.channel = "finops";
  return p;
}

/// Every hand-off in `topic` (REQUIREs each to decode), in topic_values' order.
inline std::vector<domain::governance_handoff> handoffs(persistence::topic_log& topic) {
  std::vector<domain::governance_handoff> out;
  for (const auto& v : topic_values(topic)) {
    auto h = persistence::decode_governance(v);
    REQUIRE(h.ok());
    out.push_back(*h);
  }
  return out;
}

} // namespace tocsin::test
