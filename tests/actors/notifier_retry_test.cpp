// The notifier when receivers misbehave: down at first, failing, always failing, slow; and
// across restarts. Real engine, store and webhook-sink processes; small backoffs, long waits.
#include "notifier_test_support.hpp"

using namespace tocsin;
using namespace tocsin::test;

namespace {

actors::channel_stats stats_for(const actors::notifier& n, const std::string& channel) {
  const auto all = n.stats();
  const auto* s = stats_of(all, channel);
  return s ? *s : actors::channel_stats{};
}

std::string body_of(const json& req) {
  return req["body"].get<std::string>();
}

// Per key: every attempt sent the same bytes, exactly one was answered 2xx, and it was the last.
void check_delivered_once(const std::vector<json>& reqs, const std::string& key) {
  const auto mine = with_key(reqs, key);
  INFO("Idempotency-Key " << key);
  REQUIRE_FALSE(mine.empty());
  int ok = 0;
  for (const auto& r : mine) {
    CHECK(body_of(r) == body_of(mine.front()));
    if (r["answered"].get<int>() / 100 == 2)
      ++ok;
  }
  CHECK(ok == 1);
  CHECK(mine.back()["answered"].get<int>() / 100 == 2);
}

void rewind_cursors(persistence::store& st, const std::string& consumer) {
  std::vector<persistence::kv_op> ops;
  for (std::uint32_t p = 0; p < st.options().partitions; ++p)
    ops.push_back({persistence::kv_db::cursors, persistence::kv_op::put,
                   actors::cursor_key(consumer, p), actors::encode_cursor(0)});
  REQUIRE(st.write_sync(std::move(ops)).code == domain::errc::ok);
}

} // namespace

TEST_CASE("a receiver down at first gets every notification once it is up, same keys, and "
          "nothing is re-sent after a 2xx, also across a restart",
          "[notifier][retry]") {
  engine_fixture f;
  f.start();
  const int port = sink::free_port();
  REQUIRE(port > 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  f.eng->policies().put(make_policy({make_channel("ops", url)}));
  auto opts = fast_retry_options();
  opts.max_attempts = 100000; // outlive the outage
  auto n = std::make_unique<actors::notifier>(*f.store, f.eng->policies(), opts);
  REQUIRE(n->start().code == domain::errc::ok);

  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i) {
    const auto paged = open_paged(f, "Outage " + std::to_string(i), {"ops"});
    keys.push_back(domain::stable_id(paged.second.event_id, "ops"));
  }
  // Nobody listens yet: each page fails (connection refused) and is retried.
  REQUIRE(eventually([&] {
    const auto s = stats_for(*n, "ops");
    return s.failures >= 6 && s.pending == 3;
  }, delivery_timeout));
  CHECK(stats_for(*n, "ops").delivered == 0);
  CHECK_FALSE(stats_for(*n, "ops").last_error.empty());

  // The receiver comes up, and even then answers 500 twice.
  sink::sink_process sink(sink_binary(), f.dir.sub("late.jsonl"), {"--fail-first", "2"}, port);
  REQUIRE(eventually([&] { return delivered(*n, "ops") == 3; }, delivery_timeout));
  for (const auto& key : keys)
    check_delivered_once(sink.requests(), key);
  CHECK(sink.requests().size() >= 5);
  for (const auto& key : keys) {
    // Outcomes are written in groups shortly after the answer: wait for this one's.
    REQUIRE(eventually(
      [&] { return stored_status(*f.store, key) == "delivered"; }, delivery_timeout));
    CHECK(stored_record(*f.store, key)->attempts >= 2);
  }

  // Restart everything on the same store, with the cursors rewound as if the crash came
  // between the sends and the cursor commit: the journal is read again, nothing re-sent.
  n->stop();
  n.reset();
  const auto before = sink.requests().size();
  f.reopen();
  f.eng->policies().put(make_policy({make_channel("ops", url)}));
  rewind_cursors(*f.store, opts.consumer);
  n = std::make_unique<actors::notifier>(*f.store, f.eng->policies(), opts);
  REQUIRE(n->start().code == domain::errc::ok);
  const auto paged = open_paged(f, "After restart", {"ops"});
  const std::string fresh = domain::stable_id(paged.second.event_id, "ops");
  REQUIRE(eventually([&] { return delivered(*n, "ops") == 1; }, delivery_timeout));
  std::this_thread::sleep_for(300ms);
  const auto reqs = sink.requests();
  CHECK(reqs.size() == before + 1);
  check_delivered_once(reqs, fresh);
  for (const auto& key : keys)
    check_delivered_once(reqs, key);
}

TEST_CASE("a pending notification left by a stopped notifier is sent by the next one",
          "[notifier][retry]") {
  engine_fixture f;
  f.start();
  const int port = sink::free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  f.eng->policies().put(make_policy({make_channel("ops", url)}));
  auto opts = fast_retry_options();
  opts.max_attempts = 100000;
  std::string key;
  {
    actors::notifier n(*f.store, f.eng->policies(), opts);
    REQUIRE(n.start().code == domain::errc::ok);
    key = domain::stable_id(open_paged(f, "Left behind", {"ops"}).second.event_id, "ops");
    REQUIRE(eventually([&] { return stats_for(n, "ops").failures >= 1; }, delivery_timeout));
  } // stopped with the page still pending
  const auto rec = stored_record(*f.store, key);
  REQUIRE(rec);
  CHECK(rec->status == "pending");
  sink::sink_process sink(sink_binary(), f.dir.sub("resume.jsonl"), {}, port);
  actors::notifier n(*f.store, f.eng->policies(), opts);
  REQUIRE(n.start().code == domain::errc::ok);
  REQUIRE(eventually([&] { return delivered(n, "ops") == 1; }, delivery_timeout));
  check_delivered_once(sink.requests(), key);
  CHECK(eventually([&] { return stored_status(*f.store, key) == "delivered"; }, delivery_timeout));
}

TEST_CASE("a receiver that always fails dead-letters after max_attempts while a healthy "
          "channel gets its notifications",
          "[notifier][retry]") {
  engine_fixture f;
  f.start();
  sink::sink_process bad(sink_binary(), f.dir.sub("bad.jsonl"), {"--always", "500"});
  sink::sink_process good(sink_binary(), f.dir.sub("good.jsonl"), {});
  f.eng->policies().put(
      make_policy({make_channel("bad", bad.url()), make_channel("good", good.url())}));
  auto opts = fast_retry_options();
  opts.max_attempts = 3;
  actors::notifier n(*f.store, f.eng->policies(), opts);
  REQUIRE(n.start().code == domain::errc::ok);

  std::vector<std::string> bad_keys;
  for (int i = 0; i < 2; ++i) {
    const auto paged = open_paged(f, "Flaky " + std::to_string(i), {"bad", "good"});
    bad_keys.push_back(domain::stable_id(paged.second.event_id, "bad"));
  }
  REQUIRE(eventually([&] {
    return delivered(n, "good") == 2 && stats_for(n, "bad").dead_lettered == 2;
  }, delivery_timeout));
  const auto s = stats_for(n, "bad");
  CHECK(s.attempts == 6);
  CHECK(s.failures == 6);
  CHECK(s.delivered == 0);
  CHECK(s.pending == 0);
  CHECK(s.last_error.find("HTTP 500") != std::string::npos);
  CHECK(stats_for(n, "good").failures == 0);

  for (const auto& key : bad_keys) {
    const auto sent = with_key(bad.requests(), key);
    CHECK(sent.size() == 3);
    for (const auto& r : sent)
      CHECK(body_of(r) == body_of(sent.front()));
    REQUIRE(eventually([&] { return stored_status(*f.store, key) == "dead"; }, delivery_timeout));
    const auto rec = stored_record(*f.store, key);
    CHECK(rec->attempts == 3);
    auto dl = f.store->get(persistence::kv_db::dead_letters, actors::dead_letter_key(key));
    REQUIRE(dl.ok());
    REQUIRE(dl->has_value());
    const json letter = json::parse(**dl);
    CHECK(letter["reason"] == "gave up after 3 attempts: HTTP 500");
    CHECK(letter["record"]["id"] == key);
    CHECK(letter["record"]["status"] == "dead");
  }
  auto letters = f.store->scan(persistence::kv_db::dead_letters, "notification/", "", 100);
  REQUIRE(letters.ok());
  CHECK(letters->size() == 2);
  // A dead letter is final: nothing more goes to the failing receiver.
  const auto sent = bad.requests().size();
  std::this_thread::sleep_for(500ms);
  CHECK(bad.requests().size() == sent);
}

TEST_CASE("a permanent 4xx dead-letters at once", "[notifier][retry]") {
  engine_fixture f;
  f.start();
  sink::sink_process gone(sink_binary(), f.dir.sub("gone.jsonl"), {"--always", "410"});
  f.eng->policies().put(make_policy({make_channel("gone", gone.url())}));
  actors::notifier n(*f.store, f.eng->policies(), fast_retry_options());
  REQUIRE(n.start().code == domain::errc::ok);
  const auto paged = open_paged(f, "Gone", {"gone"});
  REQUIRE(eventually([&] { return stats_for(n, "gone").dead_lettered == 1; }, delivery_timeout));
  CHECK(stats_for(n, "gone").attempts == 1);
  CHECK(gone.requests().size() == 1);
  const std::string key = domain::stable_id(paged.second.event_id, "gone");
  REQUIRE(eventually([&] { return stored_status(*f.store, key) == "dead"; }, delivery_timeout));
  const auto rec = stored_record(*f.store, key);
  CHECK(rec->last_error == "permanent failure: HTTP 410");
}

TEST_CASE("a slow channel does not hold up a fast one", "[notifier][retry]") {
  engine_fixture f;
  f.start();
  // Nothing the slow sink answers can arrive within 10 s.
  sink::sink_process slow(sink_binary(), f.dir.sub("slow.jsonl"), {"--delay-ms", "10000"});
  sink::sink_process fast(sink_binary(), f.dir.sub("fast.jsonl"), {});
  f.eng->policies().put(
      make_policy({make_channel("slow", slow.url()), make_channel("fast", fast.url())}));
  auto opts = fast_retry_options();
  opts.attempt_timeout = 60s;
  opts.stop_drain = 100ms;
  actors::notifier n(*f.store, f.eng->policies(), opts);
  REQUIRE(n.start().code == domain::errc::ok);
  for (int i = 0; i < 20; ++i)
    open_paged(f, "Busy " + std::to_string(i), {"slow", "fast"});
  REQUIRE(eventually([&] { return delivered(n, "fast") == 20; }, delivery_timeout));
  const auto s = stats_for(n, "slow");
  CHECK(s.delivered == 0);
  CHECK(s.pending == 20);
  // The slow channel holds at most its share of connections (16), never all of them.
  CHECK(slow.requests().size() <= 16);
  CHECK(s.attempts <= 16);
  n.stop();
}

TEST_CASE("a corrected channel URL drains its backlog and a channel removed from the policy "
          "dead-letters",
          "[notifier][retry]") {
  engine_fixture f;
  f.start();
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(sink::free_port()) + "/x";
  f.eng->policies().put(make_policy({make_channel("ops", nowhere), make_channel("old", nowhere)}));
  auto opts = fast_retry_options();
  opts.max_attempts = 100000;
  actors::notifier n(*f.store, f.eng->policies(), opts);
  REQUIRE(n.start().code == domain::errc::ok);
  const auto paged = open_paged(f, "Misconfigured", {"ops", "old"});
  REQUIRE(eventually([&] {
    return stats_for(n, "ops").failures >= 1 && stats_for(n, "old").failures >= 1;
  }, delivery_timeout));

  sink::sink_process sink(sink_binary(), f.dir.sub("fixed.jsonl"), {});
  f.eng->policies().put(make_policy({make_channel("ops", sink.url("/fixed"))}));
  REQUIRE(eventually([&] {
    return delivered(n, "ops") == 1 && stats_for(n, "old").dead_lettered == 1;
  }, delivery_timeout));
  const auto reqs = sink.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0]["path"] == "/fixed");
  const std::string old_key = domain::stable_id(paged.second.event_id, "old");
  REQUIRE(eventually([&] { return stored_status(*f.store, old_key) == "dead"; }, delivery_timeout));
  CHECK(stored_record(*f.store, old_key)->last_error
        == "channel 'old' is no longer in the tenant policy");
  const std::string ops_key = domain::stable_id(paged.second.event_id, "ops");
  REQUIRE(eventually(
    [&] { return stored_status(*f.store, ops_key) == "delivered"; }, delivery_timeout));
  CHECK(stored_record(*f.store, ops_key)->url == sink.url("/fixed"));
}
