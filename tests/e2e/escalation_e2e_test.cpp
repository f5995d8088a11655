// Escalation end to end: a real tocsind with a tenant policy from its config, driven by the real
// tocsinctl, paging a real HTTP receiver (webhook-sink). Covers severity escalation with its page,
// the SLA timer (and an Acknowledged incident left alone), and a SIGKILL while a deadline is
// pending: after the restart the escalation is journaled exactly once and delivered once.
// Waits are generous: latency is a benchmark figure, not a test.
#include "api_support.hpp"

#include "tools/webhook-sink/sink_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

using namespace tocsin;
using namespace tocsin::e2e;
using namespace std::chrono_literals;

namespace {

const std::string sink_bin = TOCSIN_BIN_DIR "/webhook-sink";

// A receiver, then a daemon whose config pages it: acme's high SLA is 2 s.
struct escalation_env {
  test::temp_dir scratch{"tocsin-e2e-esc"};
  sink::sink_process sink{sink_bin, scratch.sub("sink.jsonl"), {}};
  api_daemon daemon{false, config()};

  std::string config() {
    const auto policy = write_file(scratch.sub("acme-policy.yaml"), R"(tenant: acme
sla: {critical: 5m, high: 2s, warning: 4h}
roles:
  runtime.operator: [pager]
channels:
  pager: {url: ")" + sink.url("/pd") + R"(", format: pagerduty, routing_key: rk-e2e, secret: e2e-secret}
steps:
  - {delay: 0s}
)");
    return "policies: [" + policy + "]\nnotifier:\n  backoff_base: 50ms\n  backoff_max: 1s\n";
  }

  json get(const std::string& id) { return daemon.ctl_json({"incident", "get", id}); }

  // Polls `incident get` until `pred` holds (or a generous limit passes); returns the last view.
  template <class Pred>
  json wait_incident(const std::string& id, Pred pred) {
    const auto until = std::chrono::steady_clock::now() + 60s;
    json j = get(id);
    while (!pred(j["incident"]) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(100ms);
      j = get(id);
    }
    return j;
  }

  std::vector<json> pages_for(const std::string& id) {
    std::vector<json> out;
    for (auto& r : sink.requests()) {
      auto body = json::parse(r["body"].get<std::string>(), nullptr, false);
      if (!body.is_discarded() && body.value("dedup_key", "") == id)
        out.push_back(r);
    }
    return out;
  }

  bool wait_pages(const std::string& id, std::size_t n) {
    return sink.wait_for([&](const auto&) { return pages_for(id).size() >= n; }, 60s);
  }
};

std::size_t count_events(const json& view, const std::string& type) {
  std::size_t n = 0;
  for (auto& e : view["timeline"])
    n += e["type"] == type ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("a critical incident goes to Escalated and its page is delivered, signed") {
  escalation_env env;
  env.daemon.start();
  const auto id = env.daemon.open("payments down", acme_token, "critical");
  auto view = env.get(id);
  CHECK(view["incident"]["state"] == "escalated");
  REQUIRE(view["incident"]["escalations"].size() == 1);
  CHECK(view["incident"]["escalations"][0]["reason"] == "severity");
  CHECK(view["incident"]["escalations"][0]["channels"] == json::array({"pager"}));

  REQUIRE(env.wait_pages(id, 1));
  const auto page = env.pages_for(id).at(0);
  const auto body = json::parse(page["body"].get<std::string>());
  CHECK(page["path"] == "/pd");
  CHECK(body["event_action"] == "trigger");
  CHECK(body["routing_key"] == "rk-e2e");
  CHECK(body["payload"]["severity"] == "critical");
  CHECK_FALSE(page["headers"]["Idempotency-Key"].get<std::string>().empty());
  CHECK(page["headers"]["X-Tocsin-Signature"].get<std::string>().rfind("sha256=", 0) == 0);
  env.daemon.stop();
}

TEST_CASE("a high incident left Open past its 2 s SLA escalates by timer; an acknowledged one does not") {
  escalation_env env;
  env.daemon.start();
  const auto left_open = env.daemon.open("slow checkout");
  const auto acked = env.daemon.open("acked in time");
  REQUIRE(env.daemon.ctl({"incident", "ack", acked}).code == 0);

  auto view = env.wait_incident(left_open, [](const json& i) { return i["state"] == "escalated"; });
  REQUIRE(view["incident"]["state"] == "escalated");
  REQUIRE(view["incident"]["escalations"].size() == 1);
  CHECK(view["incident"]["escalations"][0]["reason"] == "timer");
  CHECK(view["incident"]["escalations"][0]["step"] == 1);
  CHECK(env.wait_pages(left_open, 1));

  std::this_thread::sleep_for(3s); // well past the SLA for the acknowledged one too
  CHECK(env.get(acked)["incident"]["state"] == "acknowledged");
  CHECK(env.pages_for(acked).empty());
  env.daemon.stop();
}

TEST_CASE("SIGKILL while a deadline is pending: after restart it is journaled and delivered once") {
  escalation_env env;
  env.daemon.start();
  const auto id = env.daemon.open("will outlive its daemon");
  env.daemon.proc->send_signal(SIGKILL); // the deadline is in LMDB, no timer survives
  REQUIRE(env.daemon.proc->wait_exit(30s));
  env.daemon.proc.reset();
  std::this_thread::sleep_for(3s); // the deadline passes while tocsind is down

  env.daemon.start();
  auto view = env.wait_incident(id, [](const json& i) { return i["state"] == "escalated"; });
  REQUIRE(view["incident"]["state"] == "escalated");
  CHECK(count_events(view, "IncidentEscalated") == 1);
  CHECK(count_events(view, "EscalationStepTaken") == 1);
  REQUIRE(env.wait_pages(id, 1));

  env.daemon.restart(); // nothing fires or pages again
  std::this_thread::sleep_for(2s);
  view = env.get(id);
  CHECK(count_events(view, "IncidentEscalated") == 1);
  CHECK(env.pages_for(id).size() == 1);
  env.daemon.stop();
}
