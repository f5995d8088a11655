// Topic relays against a real HTTP receiver (tools/webhook-sink): the backlog is kept while the
// receiver is down and delivered in order per partition once it is up, with the feedback id as
// Idempotency-Key and a valid signature; a restart in the middle loses nothing; records that
// can never be sent are dead-lettered without holding their partition; governance hand-offs go
// to the channel the tenant policy names.
#include "actors/relay_routes.hpp"
#include "actors/topic_relay.hpp"

#include "actors/notification_record.hpp"
#include "domain/feedback.hpp"
#include "persistence/feedback_codec.hpp"
#include "persistence/governance_codec.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"
#include "support/webhook_sink.hpp"
#include "tools/webhook-sink/sink_process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <set>
#include <thread>

using namespace tocsin;
using namespace std::chrono_literals;
using json = nlohmann::json;
using test::delivery_timeout;
using test::eventually;
using test::hmac_hex;
using test::sink_binary;

namespace {

constexpr std::uint32_t partitions = 4;
constexpr domain::timestamp t0 = 1'700'000'000LL * 1'000'000'000LL;

std::unique_ptr<persistence::store> open_store(const std::string& dir) {
  persistence::store_options o;
  o.dir = dir;
  o.partitions = partitions;
  o.map_size = std::size_t{256} << 20;
  o.sync = persistence::sync_mode::no_sync;
  auto st = persistence::store::open(o);
  REQUIRE(st.ok());
  return std::move(st.value());
}

domain::feedback_item item(int n, const std::string& tenant = "acme") {
  domain::feedback_item it;
  it.tenant = tenant;
  it.source = domain::feedback_source::signal;
  it.source_id = "trace-" + std::to_string(n);
  it.id = domain::feedback_id(it.tenant, it.source, it.source_id);
  it.cat = domain::category::performance;
  it.sent = domain::sentiment::negative;
  it.summary = "slow answer " + std::to_string(n);
  it.artifact_id = "artifact-" + std::to_string(n % 3);
  it.agent_id = "agent-1";
  it.skill_id = "skill-2";
  it.trace_id = "0af7651916cd43dd8448eb211c80319c";
  it.created_at = t0 + n;
  return it;
}

/// Appends items [from, to) and returns each one's (partition, id), in append order.
std::vector<std::pair<std::uint32_t, std::string>> append_items(persistence::topic_log& log,
                                                                int from, int to) {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  for (int n = from; n < to; ++n) {
    const auto it = item(n);
    const auto key = domain::feedback_key(it.tenant, it.source, it.source_id);
    const auto p = log.partition_of(key);
    REQUIRE(log.append_sync(key, p, persistence::encode_feedback(it)).created);
    out.emplace_back(p, it.id);
  }
  return out;
}

actors::topic_relay_options fast_options(const std::string& consumer) {
  actors::topic_relay_options o;
  o.consumer = consumer;
  o.backoff_base = 20ms;
  o.backoff_max = 200ms;
  o.attempt_timeout = 5s;
  o.read_ahead = 4; // smaller than a partition's share: refills are exercised
  o.jitter_seed = 11;
  return o;
}

std::set<std::string> keys_received(const std::vector<json>& reqs) {
  std::set<std::string> out;
  for (const auto& r : reqs)
    if (r["answered"].get<int>() / 100 == 2)
      out.insert(r["headers"]["Idempotency-Key"].get<std::string>());
  return out;
}

/// Each partition's ids must first arrive in append order (a later record never before an
/// earlier one); repeats after a restart are allowed (at least once).
void check_order(const std::vector<json>& reqs,
                 const std::vector<std::pair<std::uint32_t, std::string>>& appended) {
  std::map<std::string, std::uint32_t> partition_of;
  std::map<std::uint32_t, std::vector<std::string>> expected;
  for (const auto& [p, id] : appended) {
    partition_of[id] = p;
    expected[p].push_back(id);
  }
  std::map<std::uint32_t, std::vector<std::string>> first_seen;
  std::set<std::string> seen;
  for (const auto& r : reqs) {
    const auto id = r["headers"]["Idempotency-Key"].get<std::string>();
    if (seen.insert(id).second)
      first_seen[partition_of.at(id)].push_back(id);
  }
  for (const auto& [p, ids] : expected) {
    INFO("partition " << p);
    CHECK(first_seen[p] == ids);
  }
}

std::optional<std::uint64_t> cursor(persistence::store& st, const std::string& consumer,
                                    std::uint32_t p) {
  auto v = st.get(persistence::kv_db::cursors, actors::cursor_key(consumer, p));
  REQUIRE(v.ok());
  if (!v->has_value())
    return std::nullopt;
  return actors::decode_cursor(**v);
}

} // namespace

TEST_CASE("relay: backlog kept while the receiver is down, delivered in order once it is up") {
  test::temp_dir dir;
  auto st = open_store(dir.sub("store"));
  persistence::topic_log log{*st, "feedback"};
  const auto appended = append_items(log, 0, 40);

  const int port = sink::free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/kp";
  actors::topic_relay relay{*st, log, actors::feedback_render(),
                            actors::fixed_target(url, "kp-secret", "knowledge_platform"),
                            fast_options("kp")};
  REQUIRE(relay.start().code == domain::errc::ok);

  // Down: attempts fail (connection refused) and are retried; nothing moves.
  REQUIRE(eventually([&] { return relay.stats().failures >= 8; }, delivery_timeout));
  auto down = relay.stats();
  CHECK(down.delivered == 0);
  CHECK(down.backlog == 40);
  CHECK_FALSE(down.last_error.empty());
  for (std::uint32_t p = 0; p < partitions; ++p)
    CHECK_FALSE(cursor(*st, "kp", p).has_value());

  sink::sink_process sink(sink_binary(), dir.sub("kp.jsonl"), {}, port);
  REQUIRE(sink.wait_for([](const auto& reqs) { return keys_received(reqs).size() == 40; }, 60s));
  const auto reqs = sink.requests();
  check_order(reqs, appended);
  for (const auto& r : reqs) {
    const auto body = json::parse(r["body"].get<std::string>());
    CHECK(r["headers"]["Idempotency-Key"] == body["id"]);
    CHECK(r["headers"]["X-Tocsin-Event"] == "FeedbackItemCreated");
    CHECK(r["headers"]["X-Tocsin-Signature"] ==
          "sha256=" + hmac_hex("kp-secret", r["body"].get<std::string>()));
    CHECK(body["tenant"] == "acme");
    CHECK(body["source"] == "signal");
    CHECK(body["category"] == "performance");
    CHECK(body["sentiment"] == "negative");
    CHECK(body["skill_id"] == "skill-2");
    CHECK(body["created_at"].get<std::string>().rfind("2023-11-14T22:13:20.000", 0) == 0);
  }
  // Cursors reach the end of every partition and the backlog drains.
  REQUIRE(eventually([&] {
    for (std::uint32_t p = 0; p < partitions; ++p)
      if (cursor(*st, "kp", p).value_or(0) != log.end(p).value())
        return false;
    return true;
  }, delivery_timeout));
  REQUIRE(eventually([&] { return relay.stats().backlog == 0; }, delivery_timeout));
  CHECK(relay.stats().delivered == 40);

  // Live: a record appended now is delivered too.
  const auto more = append_items(log, 40, 41);
  REQUIRE(sink.wait_for([&](const auto& r) { return keys_received(r).count(more[0].second); },
                        30s));
}

TEST_CASE("relay: a restart in the middle loses nothing (at least once, order kept)") {
  test::temp_dir dir;
  auto st = open_store(dir.sub("store"));
  persistence::topic_log log{*st, "feedback"};
  auto appended = append_items(log, 0, 60);
  // Slow answers: the relay is stopped while some partitions are half done.
  sink::sink_process sink(sink_binary(), dir.sub("kp.jsonl"), {"--delay-ms", "30"});
  {
    actors::topic_relay relay{*st, log, actors::feedback_render(),
                              actors::fixed_target(sink.url("/kp"), "", "knowledge_platform"),
                              fast_options("kp")};
    REQUIRE(relay.start().code == domain::errc::ok);
    REQUIRE(sink.wait_for([](const auto& reqs) { return reqs.size() >= 10; }, 60s));
    relay.stop();
  }
  const auto before = keys_received(sink.requests()).size();
  CHECK(before < 60);
  const auto late = append_items(log, 60, 80);
  appended.insert(appended.end(), late.begin(), late.end());
  actors::topic_relay again{*st, log, actors::feedback_render(),
                            actors::fixed_target(sink.url("/kp"), "", "knowledge_platform"),
                            fast_options("kp")};
  REQUIRE(again.start().code == domain::errc::ok);
  REQUIRE(sink.wait_for([](const auto& reqs) { return keys_received(reqs).size() == 80; }, 60s));
  const auto reqs = sink.requests();
  check_order(reqs, appended);
  for (const auto& r : reqs)
    CHECK_FALSE(r["headers"].contains("X-Tocsin-Signature")); // no secret, no signature
}

TEST_CASE("relay: an unreadable record is dead-lettered and its partition moves on") {
  test::temp_dir dir;
  auto st = open_store(dir.sub("store"));
  persistence::topic_log log{*st, "feedback"};
  const auto first = append_items(log, 0, 1);
  const std::uint32_t p = first[0].first;
  REQUIRE(log.append_sync("garbage", p, "not a feedback record").created);
  const auto after = append_items(log, 1, 2);
  sink::sink_process sink(sink_binary(), dir.sub("kp.jsonl"), {});
  actors::topic_relay relay{*st, log, actors::feedback_render(),
                            actors::fixed_target(sink.url("/kp"), "", "knowledge_platform"),
                            fast_options("kp")};
  REQUIRE(relay.start().code == domain::errc::ok);
  REQUIRE(sink.wait_for([](const auto& reqs) { return keys_received(reqs).size() == 2; }, 60s));
  REQUIRE(eventually([&] { return relay.stats().dead_lettered == 1; }, delivery_timeout));
  auto dl = st->scan(persistence::kv_db::dead_letters, "relay/kp/", "relay/kp/", 10);
  REQUIRE(dl.ok());
  REQUIRE(dl->size() == 1);
  CHECK(dl->front().first == "relay/kp/feedback-" + std::to_string(p) + "-1");
  CHECK(json::parse(dl->front().second)["reason"].get<std::string>().find("cannot render") !=
        std::string::npos);
}

TEST_CASE("governance relay: the tenant policy's governance channel, dead letter without one") {
  test::temp_dir dir;
  auto st = open_store(dir.sub("store"));
  persistence::topic_log log{*st, "governance"};
  sink::sink_process sink(sink_binary(), dir.sub("gov.jsonl"), {});
  actors::policy_registry policies;
  auto acme = domain::default_policy("acme");
  domain::channel ch;
  ch.name = "finops";
  ch.url = sink.url("/governance");
  ch.secret = "gov-secret";
  acme.channels[ch.name] = ch;
  acme.governance.channel = "finops";
  acme.governance.cost_anomaly_above = 10;
  policies.put(acme);

  auto handoff = [](const std::string& tenant, int n) {
    domain::governance_handoff h;
    h.tenant = tenant;
    h.kind = std::string(domain::handoff_cost_anomaly);
    h.subject = "llm.cost/artifact-" + std::to_string(n);
    h.window_start = t0 + n;
    h.at = t0 + n + 1;
    h.amount = 42.5;
    h.threshold = 10;
    h.summary = "cost spike";
    h.channel = "finops";
    h.id = domain::handoff_id(h.tenant, h.kind, h.subject, h.window_start);
    return h;
  };
  const auto a = handoff("acme", 1);
  const auto lost = handoff("globex", 2); // default policy: no governance channel
  for (const auto& h : {a, lost})
    REQUIRE(log.append_sync(h.id, log.partition_of(h.id), persistence::encode_governance(h))
              .created);

  actors::topic_relay_options o = fast_options("governance-relay");
  actors::topic_relay relay{*st, log, actors::governance_render(),
                            actors::governance_target(policies), o};
  REQUIRE(relay.start().code == domain::errc::ok);
  REQUIRE(sink.wait_for([](const auto& reqs) { return !reqs.empty(); }, 60s));
  const auto r = sink.requests().front();
  CHECK(r["path"] == "/governance");
  CHECK(r["headers"]["Idempotency-Key"] == a.id);
  CHECK(r["headers"]["X-Tocsin-Event"] == "GovernanceHandoff");
  CHECK(r["headers"]["X-Tocsin-Signature"] ==
        "sha256=" + hmac_hex("gov-secret", r["body"].get<std::string>()));
  const auto body = json::parse(r["body"].get<std::string>());
  CHECK(body["kind"] == "cost_anomaly");
  CHECK(body["amount"] == 42.5);
  REQUIRE(eventually([&] { return relay.stats().dead_lettered == 1; }, delivery_timeout));
  auto dl = st->get(persistence::kv_db::dead_letters, "relay/governance-relay/" + lost.id);
  REQUIRE(dl.ok());
  REQUIRE(dl->has_value());
  CHECK(json::parse(**dl)["record"]["tenant"] == "globex");
  REQUIRE(eventually([&] { return relay.stats().backlog == 0; }, delivery_timeout));
}
