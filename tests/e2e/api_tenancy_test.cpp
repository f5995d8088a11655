// End-to-end tenancy and tokens: a tenant sees only its own incidents, missing and bad tokens are
// refused, service tokens do what their scopes say and nothing else.
#include "api_support.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::e2e;

TEST_CASE("another tenant's incidents: get, list and transitions are refused and reveal nothing") {
  api_daemon d;
  d.start();
  const auto acme_id = d.open("acme payments down");
  const auto globex_id = d.open("globex search slow", globex_token);

  auto cross_get = d.ctl({"incident", "get", acme_id}, globex_token);
  CHECK(cross_get.code == 1);
  CHECK_THAT(cross_get.err, Catch::Contains("PERMISSION_DENIED"));
  CHECK_THAT(cross_get.err, !Catch::Contains("payments"));
  // An id that exists nowhere is answered the same way, so probing learns nothing.
  std::string ghost = acme_id;
  ghost[25] = ghost[25] == '0' ? '1' : '0';
  auto ghost_get = d.ctl({"incident", "get", ghost}, globex_token);
  CHECK(ghost_get.code == 1);
  auto strip_id = [](std::string s, const std::string& id) {
    auto at = s.find(id);
    return at == std::string::npos ? s : s.erase(at, id.size());
  };
  CHECK(strip_id(ghost_get.err, ghost) == strip_id(cross_get.err, acme_id));

  for (auto verb : {"ack", "escalate"}) {
    auto r = d.ctl({"incident", verb, acme_id}, globex_token);
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED"));
  }
  auto note = d.ctl({"incident", "note", acme_id, "sneaky"}, globex_token);
  CHECK(note.code == 1);
  auto j = d.ctl_json({"incident", "get", acme_id});
  CHECK(j["incident"]["state"] == "open"); // nothing was written
  CHECK(j["timeline"].size() == 1);

  auto cross_list = d.ctl({"incident", "list", "--tenant", "acme"}, globex_token);
  CHECK(cross_list.code == 1);
  CHECK_THAT(cross_list.err, Catch::Contains("PERMISSION_DENIED"));
  auto own = d.ctl_json({"incident", "list"}, globex_token);
  REQUIRE(own["incidents"].size() == 1);
  CHECK(own["incidents"][0]["id"] == globex_id);
  d.stop();
}

TEST_CASE("missing and unknown tokens are UNAUTHENTICATED") {
  api_daemon d;
  d.start();
  const auto id = d.open("needs auth");
  for (const std::string token : {std::string{}, std::string{"not-a-token"}, acme_token + "x"}) {
    auto r = d.ctl({"incident", "get", id}, token);
    INFO("token '" << token << "': " << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("UNAUTHENTICATED"));
    CHECK(d.ctl({"incident", "open", "--title", "x", "--severity", "info"}, token).code == 1);
    CHECK(d.ctl({"incident", "list"}, token).code == 1);
  }
  d.stop();
}

TEST_CASE("a scoped service token can do what its scope says and nothing else") {
  api_daemon d;
  d.start();
  const auto acme_id = d.open("for the reader");
  const auto globex_id = d.open("not for the reader", globex_token);

  // acme-reader: incidents:read on acme.
  auto got = d.ctl_json({"incident", "get", acme_id}, reader_token);
  CHECK(got["incident"]["id"] == acme_id);
  auto listed = d.ctl_json({"incident", "list"}, reader_token);
  CHECK(listed["incidents"].size() == 1);
  for (const auto& args : std::vector<std::vector<std::string>>{
         {"incident", "ack", acme_id},
         {"incident", "note", acme_id, "hi"},
         {"incident", "open", "--title", "x", "--severity", "info"},
         {"incident", "get", globex_id},
         {"incident", "list", "--tenant", "globex"},
         {"admin", "stats"}}) {
    auto r = d.ctl(args, reader_token);
    INFO(args[1] << ": " << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED"));
  }

  // knowledge-platform: subscribe:feedback across tenants, and nothing of the incident API.
  for (const auto& args : std::vector<std::vector<std::string>>{
         {"incident", "get", acme_id, "--tenant", "acme"},
         {"incident", "list", "--tenant", "acme"},
         {"incident", "ack", acme_id, "--tenant", "acme"},
         {"events", "watch", "--tenant", "acme", "--count", "1"}}) {
    auto r = d.ctl(args, kp_token);
    INFO(args[1] << ": " << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED"));
  }
  // Health is open to any authenticated caller.
  CHECK(d.ctl({"admin", "health"}, kp_token).code == 0);
  d.stop();
}
