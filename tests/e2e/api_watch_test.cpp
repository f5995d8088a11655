// End-to-end `events watch`: every event of a scripted run arrives, each incident's events in
// order; a stream resumes after a tocsind restart exactly after the last event it received.
#include "api_support.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace tocsin::e2e;

namespace {

// Runs a scripted lifecycle on `n` incidents; returns the number of events it wrote.
std::size_t scripted_run(const api_daemon& d, int n, std::vector<std::string>& ids) {
  std::size_t events = 0;
  for (int i = 0; i < n; ++i) {
    auto id = d.open("scripted " + std::to_string(i));
    ids.push_back(id);
    REQUIRE(d.ctl({"incident", "ack", id}).code == 0);
    REQUIRE(d.ctl({"incident", "investigate", id}).code == 0);
    REQUIRE(d.ctl({"incident", "note", id, "looking at dashboards"}).code == 0);
    events += 4;
    if (i % 2 == 0) {
      REQUIRE(d.ctl({"incident", "resolve", id, "-r", "bad deploy"}).code == 0);
      ++events;
    }
  }
  return events;
}

std::vector<json> watch(const api_daemon& d, const std::vector<std::string>& from,
                        std::size_t count, const std::string& token = acme_token) {
  std::vector<std::string> args{"events", "watch", "--count", std::to_string(count), "-o", "json"};
  args.insert(args.end(), from.begin(), from.end());
  auto r = d.ctl(args, token);
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  std::vector<json> out;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    auto nl = r.out.find('\n', pos);
    out.push_back(json::parse(r.out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  REQUIRE(out.size() == count);
  return out;
}

// Each incident's events arrive in sequence order, with no gap and no duplicate.
void check_per_incident_order(const std::vector<json>& events,
                              std::map<std::string, std::uint64_t>& last_seq) {
  for (const auto& e : events) {
    auto& last = last_seq[e["incident"].get<std::string>()];
    CHECK(e["sequence"].get<std::uint64_t>() == last + 1);
    last = e["sequence"].get<std::uint64_t>();
  }
}

} // namespace

TEST_CASE("events watch receives every event of a scripted run in order, and resumes after a "
          "restart") {
  api_daemon d;
  d.start();
  d.open("other tenant noise", globex_token);
  std::vector<std::string> ids;
  const auto total = scripted_run(d, 6, ids);

  auto all = watch(d, {"--from-beginning"}, total);
  std::map<std::string, std::uint64_t> seq;
  check_per_incident_order(all, seq);
  for (const auto& e : all)
    CHECK(e["tenant"] == "acme");
  for (const auto& id : ids)
    CHECK(seq[id] >= 4);

  // Stop reading partway through, restart the daemon, write more, resume from the offset.
  const std::size_t cut = total / 2;
  auto first = watch(d, {"--from-beginning"}, cut);
  const auto offset = first.back()["offset"].get<std::string>();
  d.restart();
  std::vector<std::string> more_ids;
  const auto more = scripted_run(d, 2, more_ids);
  auto rest = watch(d, {"--from", offset}, total - cut + more);
  std::map<std::string, std::uint64_t> resumed_seq;
  check_per_incident_order(first, resumed_seq);
  check_per_incident_order(rest, resumed_seq);
  CHECK(resumed_seq == [&] {
    std::map<std::string, std::uint64_t> expected = seq;
    for (const auto& id : more_ids)
      expected[id] = resumed_seq[id];
    return expected;
  }());
  for (const auto& id : more_ids)
    CHECK(resumed_seq[id] >= 4);
  d.stop();
}

TEST_CASE("a live watch receives events committed after it started") {
  api_daemon d;
  d.start();
  auto stub = d.stub();
  pb::WatchRequest req; // no offset: live only
  auto ctx = call_context(acme_token);
  auto reader = stub->Watch(ctx.get(), req);
  // The stream starts at the journal's end when the call arrives; wait for it to be set up by
  // giving it an event it must not see first (none exists yet), then write.
  const auto id = d.open("live one");
  REQUIRE(d.ctl({"incident", "ack", id}).code == 0);
  pb::WatchEvent ev;
  std::vector<std::string> types;
  while (types.size() < 2 && reader->Read(&ev)) {
    CHECK(ev.event().aggregate_id() == id);
    types.push_back(ev.event().type());
  }
  CHECK(types == std::vector<std::string>{"IncidentOpened", "IncidentAcknowledged"});
  ctx->TryCancel();
  reader->Finish();
  d.stop();
}

TEST_CASE("a malformed watch offset is INVALID_ARGUMENT") {
  api_daemon d;
  d.start();
  auto r = d.ctl({"events", "watch", "--from", "%%%"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("INVALID_ARGUMENT"));
  d.stop();
}

TEST_CASE("stopping tocsind ends open watch streams cleanly") {
  using namespace std::chrono_literals;
  api_daemon d;
  d.start();
  child_process watcher{{TOCSIN_BIN_DIR "/tocsinctl", "--server", d.address(), "--token",
                         acme_token, "events", "watch"},
                        d.dir.sub("watcher.log")};
  // Keep writing until the stream has shown an event: then it is surely connected.
  bool seen = false;
  for (int i = 0; i < 60 && !seen; ++i) {
    d.open("seen by the watcher " + std::to_string(i));
    seen = watcher.wait_for_log("IncidentOpened", 1s);
  }
  INFO(watcher.log());
  REQUIRE(seen);
  d.stop(); // REQUIREs a clean exit (code 0)
  auto code = watcher.wait_exit(30s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK_THAT(watcher.log(), Catch::Contains("UNAVAILABLE"));
}
