// OpenSLO YAML for tests that hand SLOs to Tocsin as an operator would (SloService.Apply, tocsinctl
// slo apply -f, slo.files): a ratio SLO over one span series, whose error spans are the bad events
// and all its spans the total, with an optional fast-burn alert. One writer, so every test's SLO
// has the same shape and only what the test is about differs. Test-only; pure.
#pragma once

#include <string>

namespace tocsin::test {

struct span_slo_text {
  std::string name = "checkout-availability";
  std::string display_name; // metadata.displayName; left out when empty
  std::string service = "checkout";
  std::string indicator = "checkout-error-ratio";
  std::string span = "POST /checkout"; // the span name of the series
  std::string window = "60s";          // rolling
  std::string target = "0.9";
  // The fast-burn condition: fires at burn rate 2 (with target 0.9: 20 % errors) over both 10 s
  // and 2 s. No alert policy at all (Tocsin's default conditions apply) when severity is empty.
  std::string severity;
  std::string alert_policy = "fast";
  std::string condition = "fast-burn";
};

/// One OpenSLO v1 SLO document for `s`, ending in a newline (join documents with "---\n").
inline std::string openslo_text(const span_slo_text& s) {
  const std::string source =
    "{metricSource: {type: tocsin, spec: {series: span, name: " + s.span + "}}}\n";
  std::string y = "apiVersion: openslo/v1\n"
                  "kind: SLO\n"
                  "metadata:\n"
                  "  name: " + s.name + "\n";
  if (!s.display_name.empty())
    y += "  displayName: " + s.display_name + "\n";
  y += "spec:\n"
       "  service: " + s.service + "\n"
       "  indicator:\n"
       "    metadata: {name: " + s.indicator + "}\n"
       "    spec:\n"
       "      ratioMetric:\n"
       "        counter: true\n"
       "        bad: " + source +
       "        total: " + source +
       "  timeWindow:\n"
       "    - {duration: " + s.window + ", isRolling: true}\n"
       "  budgetingMethod: Occurrences\n"
       "  objectives:\n"
       "    - target: " + s.target + "\n";
  if (s.severity.empty())
    return y;
  return y + "  alertPolicies:\n"
             "    - kind: AlertPolicy\n"
             "      metadata: {name: " + s.alert_policy + "}\n"
             "      spec:\n"
             "        conditions:\n"
             "          - kind: AlertCondition\n"
             "            metadata: {name: " + s.condition + "}\n"
             "            spec:\n"
             "              severity: " + s.severity + "\n"
             "              condition:\n"
             "                {kind: burnrate, op: gte, threshold: 2, lookbackWindow: 10s,"
             " alertAfter: 2s}\n";
}

} // namespace tocsin::test
