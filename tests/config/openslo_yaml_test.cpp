// OpenSLO v1 loader: the shipped example loads with its referenced documents, defaults apply,
// and every refusal names file, line and key.
#include "config/openslo_yaml.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace tocsin::domain;
using tocsin::config::load_openslo_file;
using tocsin::config::parse_openslo_text;

namespace {

constexpr span_kind_number server = 2; // OTLP SPAN_KIND_SERVER

constexpr timestamp sec = nanos_per_second;
constexpr timestamp minute = 60 * sec;
constexpr timestamp hour = 60 * minute;
constexpr timestamp day = 24 * hour;

// A valid SLO on second-scale windows; tests break it one line at a time (1-based numbers).
const std::vector<std::string> base = {
    "apiVersion: openslo/v1",                                                          // 1
    "kind: SLO",                                                                       // 2
    "metadata:",                                                                       // 3
    "  name: checkout",                                                                // 4
    "spec:",                                                                           // 5
    "  service: checkout",                                                             // 6
    "  indicator:",                                                                    // 7
    "    metadata: {name: err}",                                                       // 8
    "    spec:",                                                                       // 9
    "      ratioMetric:",                                                              // 10
    "        counter: true",                                                           // 11
    "        bad: {metricSource: {type: tocsin, spec: {series: span, name: POST /pay}}}",   // 12
    "        total: {metricSource: {type: tocsin, spec: {series: span, name: POST /pay}}}", // 13
    "  timeWindow:",                                                                   // 14
    "    - {duration: 30s, isRolling: true}",                                          // 15
    "  budgetingMethod: Occurrences",                                                  // 16
    "  objectives:",                                                                   // 17
    "    - target: 0.9",                                                               // 18
    "  alertPolicies:",                                                                // 19
    "    - kind: AlertPolicy",                                                         // 20
    "      metadata: {name: p}",                                                       // 21
    "      spec:",                                                                     // 22
    "        conditions:",                                                             // 23
    "          - kind: AlertCondition",                                                // 24
    "            metadata: {name: fast}",                                              // 25
    "            spec:",                                                               // 26
    "              severity: critical",                                                // 27
    "              condition: {kind: burnrate, op: gte, threshold: 2, lookbackWindow: 10s, "
    "alertAfter: 2s}",                                                                 // 28
};

std::string join(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const auto& l : lines) out << l << '\n';
  return out.str();
}

// base with lines replaced (an empty replacement drops the line) and `extra` appended.
std::string with(const std::map<int, std::vector<std::string>>& edits,
                 const std::vector<std::string>& extra = {}) {
  std::vector<std::string> lines;
  for (int i = 1; i <= static_cast<int>(base.size()); ++i) {
    auto it = edits.find(i);
    if (it != edits.end())
      lines.insert(lines.end(), it->second.begin(), it->second.end());
    else
      lines.push_back(base[i - 1]);
  }
  lines.insert(lines.end(), extra.begin(), extra.end());
  return join(lines);
}

std::string with(int n, std::vector<std::string> replacement) {
  return with(std::map<int, std::vector<std::string>>{{n, std::move(replacement)}});
}

std::string error_of(const std::string& text) {
  auto r = parse_openslo_text(text, "slo/checkout.yaml", "acme");
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::invalid_argument);
  return r.err().message;
}

const std::string cond = "slo/checkout.yaml:28: spec.alertPolicies[0].spec.conditions[0].spec."
                         "condition.";

} // namespace

TEST_CASE("the example SLO file loads with its referenced policies and conditions",
          "[openslo]") {
  auto r = load_openslo_file(TOCSIN_SOURCE_DIR "/config/slo/example-slo.yaml", "acme");
  INFO((r.ok() ? std::string() : r.err().message));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  const auto& d = r->front();
  CHECK(d.id == "checkout-availability");
  CHECK(d.name == "Checkout availability");
  CHECK(d.tenant == "acme");
  CHECK(d.service == "checkout");
  CHECK(d.description == "Checkout requests succeed.");
  const auto key = span_series("acme", "checkout", "POST /checkout", server);
  CHECK(d.ratio.bad == series_selector{key, measure::errors});
  CHECK(d.ratio.total == series_selector{key, measure::count});
  CHECK_FALSE(d.ratio.good);
  CHECK(d.target == 0.999);
  CHECK(d.window == 28 * day);
  CHECK(d.budgeting == budgeting_method::occurrences);
  CHECK(d.conditions == std::vector<alert_condition>{
                            {"fast-burn", severity::high, hour, 5 * minute, 14.4},
                            {"slow-burn", severity::high, 6 * hour, 30 * minute, 6},
                            {"budget-1d", severity::warning, day, 2 * hour, 3},
                            {"budget-3d", severity::warning, 3 * day, 6 * hour, 1}});
  CHECK(validate(d).code == errc::ok);
}

TEST_CASE("second-scale windows, defaults, other series kinds", "[openslo]") {
  auto r = parse_openslo_text(join(base), "s.yaml", "t1");
  INFO((r.ok() ? std::string() : r.err().message));
  REQUIRE(r.ok());
  const auto& d = r->front();
  CHECK(d.window == 30 * sec);
  CHECK(d.target == 0.9);
  CHECK(d.conditions
        == std::vector<alert_condition>{{"fast", severity::critical, 10 * sec, 2 * sec, 2}});

  // No alertPolicies: the default multi-window pairs apply.
  std::vector<std::string> lines(base.begin(), base.begin() + 18);
  r = parse_openslo_text(join(lines), "s.yaml", "t1");
  REQUIRE(r.ok());
  CHECK(r->front().conditions.empty());
  CHECK(effective_conditions(r->front()) == default_conditions());

  // Metric good/total with attributes; targetPercent; shortWindow; weeks.
  r = parse_openslo_text(
      with({{12, {"        good: {metricSource: {type: tocsin, spec: {series: metric,",
                  "               name: req.ok, attributes: {route: /pay, code: '200'}}}}"}},
            {13, {"        total: {metricSource: {type: tocsin,",
                  "                spec: {series: metric, name: req}}}"}},
            {18, {"    - targetPercent: 99.5"}},
            {28, {"              condition: {kind: burnrate, threshold: 2, lookbackWindow: 2w, "
                  "shortWindow: 1w}"}}}),
      "s.yaml", "t1");
  INFO((r.ok() ? std::string() : r.err().message));
  REQUIRE(r.ok());
  const auto& m = r->front();
  CHECK(m.ratio.good
        == series_selector{metric_series("t1", "req.ok", {{"code", "200"}, {"route", "/pay"}}),
                           measure::sum});
  CHECK(m.ratio.total == series_selector{metric_series("t1", "req", {}), measure::sum});
  CHECK(m.target == Approx(0.995));
  CHECK(m.conditions[0].short_window == 7 * day);
  CHECK(m.conditions[0].long_window == 14 * day);

  // Log series: error records against info records of the SLO's service.
  r = parse_openslo_text(
      with({{12, {"        bad: {metricSource: {type: tocsin,",
                  "              spec: {series: log, level: error}}}"}},
            {13, {"        total: {metricSource: {type: tocsin,",
                  "                spec: {series: log, level: info}}}"}}}),
      "s.yaml", "t1");
  INFO((r.ok() ? std::string() : r.err().message));
  REQUIRE(r.ok());
  CHECK(r->front().ratio.bad
        == series_selector{log_series("t1", "checkout", log_level::error), measure::count});
  CHECK(r->front().ratio.total
        == series_selector{log_series("t1", "checkout", log_level::info), measure::count});
}

TEST_CASE("invalid SLO files are refused naming file, line and key", "[openslo]") {
  CHECK(error_of(with(18, {"    - target: 1.5"}))
        == "slo/checkout.yaml:18: spec.objectives[0].target: must be in (0, 1)");
  CHECK(error_of(with(15, {"    - {duration: 30x, isRolling: true}"}))
        == "slo/checkout.yaml:15: spec.timeWindow[0].duration: expected a duration such as 30s, "
           "5m, 1h, 28d or 1w, got \"30x\"");
  CHECK(error_of(with(15, {"    - {duration: 30s, isRolling: false}"}))
        == "slo/checkout.yaml:15: spec.timeWindow[0].isRolling: only rolling windows are "
           "supported");
  CHECK(error_of(with(16, {"  budgetingMethod: Timeslices"}))
        == "slo/checkout.yaml:16: spec.budgetingMethod: expected Occurrences (the only method), "
           "got \"Timeslices\"");
  CHECK(error_of(with(6, {"  servce: checkout"}))
            .rfind("slo/checkout.yaml:6: spec.servce: unknown key (expected one of: ", 0)
        == 0);
  CHECK(error_of(with(1, {"apiVersion: openslo/v2"}))
        == "slo/checkout.yaml:1: apiVersion: expected openslo/v1, got \"openslo/v2\"");
  CHECK(error_of(with(12, {"        bad: {metricSource: {type: tocsin, spec: {series: trace}}}"}))
        == "slo/checkout.yaml:12: spec.indicator.spec.ratioMetric.bad.metricSource.spec.series: "
           "expected span, metric or log, got \"trace\"");
  CHECK(error_of(with(13, {}))
        == "slo/checkout.yaml:10: spec.indicator.spec.ratioMetric.total: required");
  CHECK(error_of(with(11, {"        counter: false"}))
        == "slo/checkout.yaml:11: spec.indicator.spec.ratioMetric.counter: only counters are "
           "supported (budgeting counts occurrences)");
  CHECK(error_of(with(28, {"              condition: {kind: burnrate, op: lte, threshold: 2, "
                           "lookbackWindow: 10s, alertAfter: 2s}"}))
        == cond + "op: only gte is supported (fire when the burn rate reaches the threshold)");
  // Rules checked on the whole definition still point at the key they came from.
  CHECK(error_of(with(28, {"              condition: {kind: burnrate, op: gte, threshold: 2, "
                           "lookbackWindow: 10s, alertAfter: 20s}"}))
        == cond + "alertAfter: must not be longer than long_window");
  CHECK(error_of(join(base) + "          - conditionRef: fast\n")
        == "slo/checkout.yaml:29: spec.alertPolicies[0].spec.conditions[1].conditionRef: no "
           "AlertCondition named 'fast' in this file");
  CHECK(error_of(with(std::map<int, std::vector<std::string>>{},
                      {"          - kind: AlertCondition", "            metadata: {name: fast}",
                       "            spec:", "              severity: page",
                       "              condition: {kind: burnrate, threshold: 3, "
                       "lookbackWindow: 10s, alertAfter: 2s}"}))
        == "slo/checkout.yaml:30: spec.alertPolicies[0].spec.conditions[1].metadata.name: "
           "duplicate 'fast'");
  CHECK(error_of(with(27, {"              severity: sms"}))
        == "slo/checkout.yaml:27: spec.alertPolicies[0].spec.conditions[0].spec.severity: "
           "expected page, ticket, critical, high, warning or info, got \"sms\"");
  CHECK(error_of("apiVersion: openslo/v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n")
        == "slo/checkout.yaml: no document of kind SLO");
  CHECK(error_of("apiVersion: [\n").rfind("slo/checkout.yaml:", 0) == 0);
  auto missing = load_openslo_file("/nonexistent/slo.yaml", "acme");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.err().code == errc::not_found);
}
