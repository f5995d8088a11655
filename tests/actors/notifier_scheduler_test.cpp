// The delivery scheduler: per-channel caps, channels taking turns, per-incident order, backoff
// holding back only the failed notification. Pure: time is passed in.
#include "actors/delivery_scheduler.hpp"

#include <catch2/catch.hpp>

#include <set>

using tocsin::actors::delivery_scheduler;
using tocsin::actors::notification_record;
using namespace std::chrono_literals;

namespace {

notification_record rec(std::string id, std::string channel, std::string incident) {
  notification_record r;
  r.id = std::move(id);
  r.tenant = "acme";
  r.channel = std::move(channel);
  r.incident_id = std::move(incident);
  return r;
}

const auto t0 = std::chrono::steady_clock::time_point{} + 1h;

} // namespace

TEST_CASE("a channel never has more than its cap in flight", "[notifier][scheduler]") {
  delivery_scheduler s(2);
  for (int i = 0; i < 5; ++i)
    REQUIRE(s.add(rec("n" + std::to_string(i), "slow", "inc" + std::to_string(i))));
  CHECK_FALSE(s.add(rec("n0", "slow", "inc0"))); // already queued
  REQUIRE(s.next(t0) != nullptr);
  REQUIRE(s.next(t0) != nullptr);
  CHECK(s.next(t0) == nullptr);
  s.finish("n0");
  auto* third = s.next(t0);
  REQUIRE(third != nullptr);
  CHECK(third->id == "n2");
  CHECK(s.size() == 4);
}

TEST_CASE("a saturated channel does not hold up another", "[notifier][scheduler]") {
  delivery_scheduler s(1);
  s.add(rec("slow-1", "slow", "a"));
  s.add(rec("slow-2", "slow", "b"));
  s.add(rec("fast-1", "fast", "c"));
  s.add(rec("fast-2", "fast", "d"));
  std::set<std::string> started;
  while (auto* r = s.next(t0))
    started.insert(r->id);
  CHECK(started == std::set<std::string>{"slow-1", "fast-1"});
  s.finish("fast-1");
  auto* r = s.next(t0);
  REQUIRE(r != nullptr);
  CHECK(r->id == "fast-2");
}

TEST_CASE("channels take turns", "[notifier][scheduler]") {
  delivery_scheduler s(16);
  for (int i = 0; i < 3; ++i) {
    s.add(rec("a" + std::to_string(i), "a", "ia" + std::to_string(i)));
    s.add(rec("b" + std::to_string(i), "b", "ib" + std::to_string(i)));
  }
  std::string order;
  while (auto* r = s.next(t0))
    order += r->id.substr(0, 1);
  CHECK(order == "ababab");
}

TEST_CASE("one incident's notifications go out in order", "[notifier][scheduler]") {
  delivery_scheduler s(16);
  s.add(rec("trigger", "pd", "inc"));
  s.add(rec("ack", "pd", "inc"));
  s.add(rec("other", "pd", "inc2"));
  std::set<std::string> first;
  while (auto* r = s.next(t0))
    first.insert(r->id);
  CHECK(first == std::set<std::string>{"trigger", "other"}); // ack waits for its trigger
  s.retry("trigger", t0 + 1s);
  CHECK(s.next(t0) == nullptr); // the ack still waits while its trigger backs off
  CHECK(s.next_due() == t0 + 1s);
  auto* again = s.next(t0 + 1s);
  REQUIRE(again != nullptr);
  CHECK(again->id == "trigger");
  s.finish("trigger");
  auto* ack = s.next(t0 + 1s);
  REQUIRE(ack != nullptr);
  CHECK(ack->id == "ack");
}

TEST_CASE("backoff holds back only the failed notification", "[notifier][scheduler]") {
  delivery_scheduler s(16);
  s.add(rec("x", "pd", "i1"));
  s.add(rec("y", "pd", "i2"));
  REQUIRE(s.next(t0)->id == "x");
  s.retry("x", t0 + 10s);
  auto* y = s.next(t0);
  REQUIRE(y != nullptr);
  CHECK(y->id == "y");
  s.finish("y");
  CHECK(s.next(t0 + 5s) == nullptr);
  REQUIRE(s.next(t0 + 10s) != nullptr);
  CHECK(s.find("x") != nullptr);
  s.finish("x");
  CHECK(s.find("x") == nullptr);
  CHECK(s.size() == 0);
  CHECK_FALSE(s.next_due());
}
