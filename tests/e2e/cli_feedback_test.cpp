// End-to-end through tocsinctl against a real tocsind: an incident resolved with tocsinctl
// becomes exactly one attributed feedback item (also after a restart), shown by `feedback
// list|get` with filters and by `quality list`; other tenants see none of it. Runtime signals
// sent over OTLP/HTTP become items too.
#include "api_support.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <thread>

using namespace tocsin::e2e;

namespace {

// Polls `feedback list` until it shows `n` items (the journal consumer runs asynchronously).
json wait_for_items(const api_daemon& d, std::size_t n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json j;
  while (std::chrono::steady_clock::now() < until) {
    j = d.ctl_json({"feedback", "list"});
    if (j["items"].size() >= n)
      return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return j;
}

json attr(const std::string& key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

std::string now_text() {
  return std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
}

httplib::Result post(const api_daemon& d, const std::string& path, const json& body) {
  httplib::Client c("127.0.0.1", d.otlp_http_port);
  c.set_read_timeout(30, 0);
  httplib::Headers auth{{"Authorization", "Bearer " + acme_token}};
  return c.Post(path.c_str(), auth, body.dump(), "application/json");
}

} // namespace

TEST_CASE("runtime signals sent over OTLP/HTTP become attributed feedback items") {
  api_daemon d;
  d.start();
  const auto now = now_text();
  json span = {{"traceId", "0af7651916cd43dd8448eb211c80319c"},
               {"spanId", "b7ad6b7169203331"},
               {"name", "answer"},
               {"kind", 1},
               {"startTimeUnixNano", now},
               {"endTimeUnixNano", now},
               {"attributes", {attr("feedback.category", "correctness"),
                               attr("feedback.sentiment", "positive"), attr("artifact.id", "kb-7"),
                               attr("agent.id", "agent-3"), attr("skill.id", "cite")}}};
  json res = {{"attributes", {attr("service.name", "assistant")}}};
  auto traces = post(d, "/v1/traces",
                     {{"resourceSpans", {{{"resource", res}, {"scopeSpans", {{{"spans", {span}}}}}}}}});
  REQUIRE(traces);
  CHECK(traces->status == 200);
  json rec = {{"timeUnixNano", now},
              {"body", {{"stringValue", "the answer was too slow"}}},
              {"attributes", {attr("feedback.category", "performance"),
                              attr("log.record.uid", "rec-42"), attr("artifact.id", "kb-7")}}};
  auto logs = post(d, "/v1/logs",
                   {{"resourceLogs", {{{"resource", res}, {"scopeLogs", {{{"logRecords", {rec}}}}}}}}});
  REQUIRE(logs);
  CHECK(logs->status == 200);

  auto list = wait_for_items(d, 2);
  REQUIRE(list["items"].size() == 2);
  auto by_artifact = d.ctl_json({"feedback", "list", "--artifact", "kb-7", "--category",
                                 "correctness"});
  REQUIRE(by_artifact["items"].size() == 1);
  const auto it = by_artifact["items"][0];
  CHECK(it["source"] == "signal");
  CHECK(it["source_id"] == "0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331");
  CHECK(it["sentiment"] == "positive");
  CHECK(it["agent_id"] == "agent-3");
  CHECK(it["skill_id"] == "cite");
  CHECK(it["trace_id"] == "0af7651916cd43dd8448eb211c80319c");
  auto from_log = d.ctl_json({"feedback", "list", "--category", "performance"});
  REQUIRE(from_log["items"].size() == 1);
  CHECK(from_log["items"][0]["source_id"] == "rec-42");
  CHECK(from_log["items"][0]["summary"] == "assistant: the answer was too slow");
  // kb-7: one positive correctness (w 1, v 1) and one negative performance (w 1, v 0) item.
  auto q = d.ctl_json({"quality", "list", "--kind", "artifact"});
  REQUIRE(q["scores"].size() == 1);
  CHECK(q["scores"][0]["score"].get<double>() == Approx(50).margin(0.01));
  CHECK(q["scores"][0]["items"] == 2);
}

TEST_CASE("tocsinctl feedback list/get and quality list after resolving an incident") {
  api_daemon d;
  d.start();
  auto opened = d.ctl_json({"incident", "open", "--title", "planner loops", "--severity", "high",
                            "--category", "correctness", "--artifact", "planner-v3", "--agent",
                            "agent-7", "--skill", "plan-trip", "--trace-id",
                            "4bf92f3577b34da6a3ce929d0e0e4736"});
  const std::string id = opened["incident"]["id"];
  for (auto step : std::vector<std::vector<std::string>>{
         {"incident", "ack", id},
         {"incident", "investigate", id},
         {"incident", "resolve", id, "--root-cause", "prompt lost the stop condition"}}) {
    auto r = d.ctl(step);
    INFO(step[1] << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
  }

  auto list = wait_for_items(d, 1);
  REQUIRE(list["items"].size() == 1);
  const auto item = list["items"][0];
  CHECK(item["tenant"] == "acme");
  CHECK(item["source"] == "incident");
  CHECK(item["source_id"] == id);
  CHECK(item["category"] == "correctness");
  CHECK(item["sentiment"] == "negative");
  CHECK(item["artifact_id"] == "planner-v3");
  CHECK(item["agent_id"] == "agent-7");
  CHECK(item["skill_id"] == "plan-trip");
  CHECK(item["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK_THAT(item["summary"].get<std::string>(),
             Catch::Contains("planner loops") && Catch::Contains("prompt lost the stop condition"));
  const std::string fid = item["id"];
  CHECK(fid.rfind("fb-", 0) == 0);

  auto got = d.ctl_json({"feedback", "get", fid});
  CHECK(got == item);
  auto table = d.ctl({"feedback", "list"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("SENTIMENT") && Catch::Contains(fid) &&
                          Catch::Contains("planner-v3"));
  auto get_table = d.ctl({"feedback", "get", fid, "-o", "yaml"});
  REQUIRE(get_table.code == 0);
  CHECK_THAT(get_table.out, Catch::Contains("source_id: " + id));

  // Filters.
  CHECK(d.ctl_json({"feedback", "list", "--artifact", "planner-v3"})["items"].size() == 1);
  CHECK(d.ctl_json({"feedback", "list", "--agent", "agent-7"})["items"].size() == 1);
  CHECK(d.ctl_json({"feedback", "list", "--skill", "plan-trip"})["items"].size() == 1);
  CHECK(d.ctl_json({"feedback", "list", "--trace-id", "4bf92f3577b34da6a3ce929d0e0e4736"})["items"]
          .size() == 1);
  CHECK(d.ctl_json({"feedback", "list", "--artifact", "other"})["items"].empty());
  CHECK(d.ctl_json({"feedback", "list", "--category", "cost"})["items"].empty());
  auto bad = d.ctl({"feedback", "list", "--category", "vibes"});
  CHECK(bad.code == 2);

  // Quality: one negative correctness item, prior 2: 100 * 1 / 3 for each subject.
  auto q = d.ctl_json({"quality", "list"});
  REQUIRE(q["scores"].size() == 3);
  for (const auto& s : q["scores"]) {
    CHECK(s["score"].get<double>() == Approx(100.0 / 3).margin(0.01));
    CHECK(s["items"] == 1);
    CHECK(s["negative"] == 1);
  }
  auto agents = d.ctl_json({"quality", "list", "--kind", "agent"});
  REQUIRE(agents["scores"].size() == 1);
  CHECK(agents["scores"][0]["id"] == "agent-7");
  auto qt = d.ctl({"quality", "list"});
  REQUIRE(qt.code == 0);
  CHECK_THAT(qt.out, Catch::Contains("SCORE") && Catch::Contains("33.3") &&
                       Catch::Contains("planner-v3") && Catch::Contains("plan-trip"));

  // Other tenants see nothing of it.
  CHECK(d.ctl_json({"feedback", "list"}, globex_token)["items"].empty());
  CHECK(d.ctl_json({"quality", "list"}, globex_token)["scores"].empty());
  auto denied = d.ctl({"feedback", "get", fid}, globex_token);
  CHECK(denied.code == 1);
  CHECK_THAT(denied.err, Catch::Contains("PERMISSION_DENIED"));

  // A restart: still exactly one item, the same one, and the same scores.
  d.restart();
  std::this_thread::sleep_for(std::chrono::milliseconds(500)); // give a re-read a chance
  auto after = d.ctl_json({"feedback", "list"});
  REQUIRE(after["items"].size() == 1);
  CHECK(after["items"][0] == item);
  auto q2 = d.ctl_json({"quality", "list", "--kind", "artifact"});
  REQUIRE(q2["scores"].size() == 1);
  CHECK(q2["scores"][0]["items"] == 1);
}
