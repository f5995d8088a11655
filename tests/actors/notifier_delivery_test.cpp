// The notifier end to end: incidents driven through a real engine on a real LMDB store, webhooks
// received by real webhook-sink processes on loopback. No timing assertions; generous waits.
#include "notifier_test_support.hpp"

using namespace tocsin;
using namespace tocsin::test;

TEST_CASE("a paged critical incident reaches the sink exactly once, signed",
          "[notifier][delivery]") {
  engine_fixture f;
  f.start();
  sink::sink_process sink(sink_binary(), f.dir.sub("sink.jsonl"), {});
  const std::string secret = "s3cret-key";
  f.eng->policies().put(make_policy({make_channel("pager", sink.url("/hooks/pager"),
                                                  domain::payload_format::tocsin, secret)}));
  actors::notifier n(*f.store, f.eng->policies(), fast_retry_options());
  REQUIRE(n.start().code == domain::errc::ok);

  const auto paged = open_paged(f, "Checkout down", {"pager"});
  const std::string id = paged.first;
  const domain::envelope step = paged.second;
  const std::string key = domain::stable_id(step.event_id, "pager");

  REQUIRE(sink.wait_for([](const auto& r) { return r.size() >= 1; }, 60s));
  REQUIRE(eventually([&] { return delivered(n, "pager") == 1; }, delivery_timeout));
  // Settle: nothing further may arrive for this page (the record says delivered).
  REQUIRE(eventually([&] {
    auto r = stored_record(*f.store, key);
    return r && r->status == "delivered";
  }, delivery_timeout));
  std::this_thread::sleep_for(300ms);
  const auto reqs = sink.requests();
  REQUIRE(reqs.size() == 1);
  const json& req = reqs[0];
  CHECK(req["method"] == "POST");
  CHECK(req["path"] == "/hooks/pager");
  const json& h = req["headers"];
  CHECK(h["Content-Type"] == "application/json");
  CHECK(h["Idempotency-Key"] == key);
  CHECK(h["X-Tocsin-Event"] == "EscalationStepTaken");
  const std::string body = req["body"];
  CHECK(h["X-Tocsin-Signature"] == "sha256=" + hmac_hex(secret, body));
  CHECK(h["X-Tocsin-Signature"] != "sha256=" + hmac_hex("wrong", body));

  const json j = json::parse(body);
  CHECK(j["event_id"] == step.event_id);
  CHECK(j["type"] == "EscalationStepTaken");
  CHECK(j["tenant"] == "acme");
  CHECK(j["aggregate_id"] == id);
  CHECK(j["sequence"] == step.sequence);
  CHECK(j["payload"]["step"]["channels"] == json::array({"pager"}));
  CHECK(j["incident"]["id"] == id);
  CHECK(j["incident"]["title"] == "Checkout down");
  CHECK(j["incident"]["severity"] == "critical");
  CHECK(j["incident"]["status"] == "escalated");
  CHECK(j["notification"] == json{{"id", key}, {"kind", "trigger"}, {"channel", "pager"}});

  const auto rec = stored_record(*f.store, key);
  REQUIRE(rec);
  CHECK(rec->body == body);
  CHECK(rec->attempts == 1);
  CHECK(rec->incident_id == id);
  CHECK_FALSE(rec->delivered_at.empty());
  CHECK(rec->url == sink.url("/hooks/pager"));
  auto marker = f.store->get(persistence::kv_db::notifications, actors::pending_key(key));
  REQUIRE(marker.ok());
  CHECK_FALSE(marker->has_value());
  auto cursor = f.store->get(persistence::kv_db::cursors,
                             actors::cursor_key("notifier", step.partition));
  REQUIRE(cursor.ok());
  REQUIRE(cursor->has_value());
  CHECK(actors::decode_cursor(**cursor) >= 1u);

  const auto stats = n.stats();
  const auto* s = stats_of(stats, "pager");
  REQUIRE(s != nullptr);
  CHECK(s->tenant == "acme");
  CHECK(s->delivered == 1);
  CHECK(s->attempts == 1);
  CHECK(s->failures == 0);
  CHECK(s->pending == 0);
  CHECK(s->last_latency_ms > 0);
  n.stop();
  n.stop(); // idempotent
}

TEST_CASE("engage and resolve send pagerduty acknowledge and resolve with the trigger's "
          "dedup_key",
          "[notifier][delivery]") {
  engine_fixture f;
  f.start();
  sink::sink_process sink(sink_binary(), f.dir.sub("pd.jsonl"), {});
  f.eng->policies().put(make_policy({make_channel("pd", sink.url("/v2/enqueue"),
                                                  domain::payload_format::pagerduty, {},
                                                  "ROUTING-1")}));
  actors::notifier n(*f.store, f.eng->policies(), fast_retry_options());
  REQUIRE(n.start().code == domain::errc::ok);

  const auto paged = open_paged(f, "Payments failing", {"pd"});
  const std::string id = paged.first;
  const domain::envelope step = paged.second;
  REQUIRE(f.eng->execute(id, domain::engage_on_call{"alice"}).ok());
  REQUIRE(f.eng->execute(id, domain::resolve{"expired certificate", "alice"}).ok());

  REQUIRE(sink.wait_for([](const auto& r) { return r.size() >= 3; }, 60s));
  REQUIRE(eventually([&] { return delivered(n, "pd") == 3; }, delivery_timeout));
  const auto reqs = sink.requests();
  REQUIRE(reqs.size() == 3);
  std::vector<std::string> actions, keys, events;
  for (const auto& r : reqs) {
    const json body = json::parse(r["body"].get<std::string>());
    actions.push_back(body["event_action"]);
    CHECK(body["dedup_key"] == id);
    CHECK(body["routing_key"] == "ROUTING-1");
    keys.push_back(r["headers"]["Idempotency-Key"]);
    events.push_back(r["headers"]["X-Tocsin-Event"]);
    CHECK_FALSE(r["headers"].contains("X-Tocsin-Signature")); // no secret on this channel
  }
  // One incident's notifications are delivered in journal order.
  CHECK(actions == std::vector<std::string>{"trigger", "acknowledge", "resolve"});
  CHECK(events == std::vector<std::string>{"EscalationStepTaken", "OnCallEngaged",
                                           "IncidentResolved"});
  CHECK(keys[0] == domain::stable_id(step.event_id, "pd"));
  CHECK(keys[0] != keys[1]);
  CHECK(keys[1] != keys[2]);
  const json trigger = json::parse(reqs[0]["body"].get<std::string>());
  CHECK(trigger["payload"]["severity"] == "critical");
  CHECK(trigger["payload"]["custom_details"]["incident_id"] == id);
  // The trigger reports the incident as it was then, not as it is now (resolved).
  CHECK(trigger["payload"]["custom_details"]["status"] == "escalated");
}

TEST_CASE("every payload format reaches its own sink", "[notifier][delivery]") {
  engine_fixture f;
  f.start();
  sink::sink_process sink(sink_binary(), f.dir.sub("all.jsonl"), {});
  f.eng->policies().put(make_policy(
      {make_channel("t", sink.url("/tocsin")),
       make_channel("s", sink.url("/slack"), domain::payload_format::slack),
       make_channel("p", sink.url("/pd"), domain::payload_format::pagerduty, {}, "RK"),
       make_channel("a", sink.url("/am"), domain::payload_format::alertmanager)}));
  actors::notifier n(*f.store, f.eng->policies(), fast_retry_options());
  REQUIRE(n.start().code == domain::errc::ok);
  const auto paged = open_paged(f, "Disk full", {"t", "s", "p", "a"});
  const std::string id = paged.first;
  const domain::envelope step = paged.second;
  REQUIRE(sink.wait_for([](const auto& r) { return r.size() >= 4; }, 60s));
  std::map<std::string, json> by_path;
  for (const auto& r : sink.requests())
    by_path[r["path"]] = json::parse(r["body"].get<std::string>());
  REQUIRE(by_path.size() == 4);
  CHECK(by_path["/tocsin"]["incident"]["id"] == id);
  CHECK(by_path["/slack"]["text"].get<std::string>().rfind("[CRITICAL] Disk full", 0) == 0);
  CHECK(by_path["/pd"]["event_action"] == "trigger");
  CHECK(by_path["/pd"]["dedup_key"] == id);
  CHECK(by_path["/am"]["version"] == "4");
  CHECK(by_path["/am"]["receiver"] == "a");
  CHECK(by_path["/am"]["alerts"][0]["labels"]["incident_id"] == id);
}
