// Cost anomalies end to end with the official OpenTelemetry JS SDK: tests/interop/cost-spike.js
// exports an LLM cost counter (cumulative, over OTLP/gRPC, the SDK's own exporter) for two
// tenants at once to a real tocsind on 2 s detector windows; each run spends steadily, spikes
// once, and spends steadily again. Each tenant gets exactly one anomaly, one cost incident routed
// to cost.analyst and one feedback item; acme's spike is above its governance threshold, so its
// hand-off reaches acme's governance webhook (a real webhook-sink), globex's is not. A restart
// creates nothing twice. Skipped only when Node.js is absent (tools/setup installs the SDK).
#include "api_support.hpp"
#include "interop_support.hpp"

#include "tools/webhook-sink/sink_process.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace tocsin;
using namespace tocsin::e2e;
using namespace std::chrono_literals;

namespace {

const std::string sink_bin = TOCSIN_BIN_DIR "/webhook-sink";

std::string policy_yaml(const std::string& tenant, const std::string& above,
                        const std::string& url) {
  return "tenant: " + tenant + "\nchannels:\n  finops: {url: \"" + url +
         "\"}\ngovernance: {cost_anomaly_above: " + above + ", channel: finops}\n";
}

struct cost_env {
  test::temp_dir scratch{"tocsin-e2e-cost"};
  sink::sink_process sink{sink_bin, scratch.sub("sink.jsonl"), {}};
  api_daemon daemon{false, config()};
  std::string node;

  // acme hands cost anomalies of more than 100 above the baseline to governance; globex only
  // above a million. Detector windows of 2 s on 1 s aggregation windows with 1 s lateness; a
  // window must reach 3x the baseline (the SDK's export timing makes 2 s windows vary by ~10 %).
  std::string config() {
    const auto acme = write_file(scratch.sub("acme.yaml"),
                                 policy_yaml("acme", "100", sink.url("/gov-acme")));
    const auto globex = write_file(scratch.sub("globex.yaml"),
                                   policy_yaml("globex", "1000000", sink.url("/gov-globex")));
    return "policies: [" + acme + ", " + globex + "]\n"
           "aggregation:\n  tick: 100ms\n  lateness: 1s\n"
           "cost:\n  window: 2s\n  warmup: 4\n  min_ratio: 3\n"
           "notifier:\n  backoff_base: 50ms\n  backoff_max: 1s\n";
  }

  std::vector<std::string> script(const std::string& token, const std::string& artifact) const {
    return {node, interop_dir + "/cost-spike.js", "--endpoint",
            "127.0.0.1:" + std::to_string(daemon.otlp_grpc_port), "--token", token,
            "--artifact-id", artifact, "--normal-seconds", "14", "--spike", "1000",
            "--after-seconds", "4"};
  }

  json cost_incidents(const std::string& token) {
    return daemon.ctl_json({"incident", "list", "--source", "cost"}, token)["incidents"];
  }

  std::vector<json> feedback(const std::string& token) {
    std::vector<json> out;
    const auto listed = daemon.ctl_json({"feedback", "list", "--all"}, token);
    UNSCOPED_INFO("feedback list: " << listed.dump());
    for (auto& it : listed["items"])
      if (it["source"] == "cost")
        out.push_back(it);
    return out;
  }

  std::vector<json> handoffs(const std::string& path) {
    std::vector<json> out;
    for (auto& r : sink.requests())
      if (r["path"] == path)
        out.push_back(json::parse(r["body"].get<std::string>()));
    return out;
  }

  double metric(const std::string& name) {
    return prom_sum(http_get(daemon.otlp_http_port, "/metrics"), name);
  }
};

} // namespace

// The name has "; governance hand-off": a ';' would split the ctest entry in two.
TEST_CASE("A cost spike in metrics sent by the OpenTelemetry JS SDK produces exactly one "
          "anomaly, one cost incident and one feedback item, and a governance hand-off above the "
          "threshold") {
  const auto node = interop_node("@opentelemetry/exporter-metrics-otlp-grpc");
  if (!node)
    return;
  cost_env env;
  env.node = *node;
  env.daemon.start();

  { // Both tenants' SDKs at once, as two services would.
    child_process acme(env.script(acme_token, "planner-v3"), env.scratch.sub("acme.log"));
    child_process globex(env.script(globex_token, "summarizer-v1"), env.scratch.sub("globex.log"));
    const auto acme_code = acme.wait_exit(120s);
    const auto globex_code = globex.wait_exit(120s);
    INFO("acme: " << acme.log() << "\nglobex: " << globex.log());
    REQUIRE(acme_code == std::optional<int>{0});
    REQUIRE(globex_code == std::optional<int>{0});
    CHECK(acme.log().find("\"spike\"") != std::string::npos);
  }

  // Detected once per tenant and fully acted on (incident, feedback item, hand-off durable).
  const bool settled = eventually([&] {
    return env.metric("tocsin_cost_anomalies_total") >= 2
           && env.metric("tocsin_cost_pending_anomalies") == 0;
  });
  INFO(env.daemon.proc->log());
  REQUIRE(settled);
  std::this_thread::sleep_for(3s); // room for a wrong second anomaly to show
  CHECK(env.metric("tocsin_cost_anomalies_total") == 2);
  CHECK(env.metric("tocsin_governance_cost_handoffs_total") == 1);

  // acme: one cost incident for the artifact, above the threshold (high), for cost.analyst.
  auto acme = env.cost_incidents(acme_token);
  REQUIRE(acme.size() == 1);
  const std::string id = acme[0]["id"];
  CHECK(acme[0]["source_id"] == "llm.cost{artifact.id=planner-v3}");
  CHECK(acme[0]["category"] == "cost");
  CHECK(acme[0]["severity"] == "high");
  REQUIRE(env.daemon.ctl({"incident", "escalate", id}).code == 0);
  auto view = env.daemon.ctl_json({"incident", "get", id})["incident"];
  CHECK(view["attribution"]["artifact_id"] == "planner-v3");
  REQUIRE(view["escalations"].size() == 1);
  CHECK(view["escalations"][0]["role"] == "cost.analyst");

  // One feedback item, attributed.
  auto items = env.feedback(acme_token);
  REQUIRE(items.size() == 1);
  CHECK(items[0]["category"] == "cost");
  CHECK(items[0]["artifact_id"] == "planner-v3");

  // The hand-off reached acme's governance channel, naming the incident.
  REQUIRE(env.sink.wait_for([&](const auto&) { return !env.handoffs("/gov-acme").empty(); },
                            60s));
  auto gov = env.handoffs("/gov-acme");
  REQUIRE(gov.size() == 1);
  CHECK(gov[0]["tenant"] == "acme");
  CHECK(gov[0]["kind"] == "cost_anomaly");
  CHECK(gov[0]["subject"] == "llm.cost{artifact.id=planner-v3}");
  CHECK(gov[0]["incident_id"] == id);
  CHECK(gov[0]["amount"].get<double>() > 100);

  // globex: the same story below its threshold: warning, no hand-off.
  auto globex = env.cost_incidents(globex_token);
  REQUIRE(globex.size() == 1);
  CHECK(globex[0]["severity"] == "warning");
  CHECK(env.feedback(globex_token).size() == 1);
  CHECK(env.handoffs("/gov-globex").empty());

  // A restart acts on nothing twice.
  env.daemon.restart();
  std::this_thread::sleep_for(3s);
  CHECK(env.metric("tocsin_cost_anomalies_total") == 0);
  CHECK(env.metric("tocsin_cost_pending_anomalies") == 0);
  CHECK(env.cost_incidents(acme_token).size() == 1);
  CHECK(env.feedback(acme_token).size() == 1);
  CHECK(env.cost_incidents(globex_token).size() == 1);
  CHECK(env.feedback(globex_token).size() == 1);
  CHECK(env.handoffs("/gov-acme").size() == 1);
}
