// End-to-end: a real tocsind with `otlp.require_known_tenant` refuses OTLP/HTTP telemetry of a
// tenant without a policy (422) and a malformed payload (400), both dead-lettered; tocsinctl
// deadletters list|show|replay shows them, a replay after `policy apply` succeeds and erases
// the dead letter, a malformed one stays dead, and what stays survives a restart. /metrics and
// /healthz answer on the same listener.
#include "api_support.hpp"
#include "tools/webhook-sink/sink_process.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>

using namespace tocsin::e2e;

namespace {

std::string json_spans(int n, std::uint64_t end_unix_nano) {
  json spans = json::array();
  for (int i = 0; i < n; ++i)
    spans.push_back({{"traceId", "4bf92f3577b34da6a3ce929d0e0e47" + std::to_string(10 + i)},
                     {"spanId", "00f067aa0ba902" + std::to_string(10 + i)},
                     {"name", "POST /checkout"},
                     {"kind", 2},
                     {"startTimeUnixNano", std::to_string(end_unix_nano - 1'000'000)},
                     {"endTimeUnixNano", std::to_string(end_unix_nano)}});
  json res = {{"attributes", {{{"key", "service.name"}, {"value", {{"stringValue", "shop"}}}}}}};
  return json{{"resourceSpans", {{{"resource", res}, {"scopeSpans", {{{"spans", spans}}}}}}}}
    .dump();
}

std::uint64_t now_unix_nano() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
}

struct otlp_daemon {
  int grpc_port = tocsin::sink::free_port();
  int http_port = tocsin::sink::free_port();
  api_daemon d{false, "otlp:\n  grpc_listen: 127.0.0.1:" + std::to_string(grpc_port)
                        + "\n  http_listen: 127.0.0.1:" + std::to_string(http_port)
                        + "\n  require_known_tenant: true\n"};

  httplib::Result post(const std::string& body) const {
    httplib::Client c("127.0.0.1", http_port);
    c.set_read_timeout(30, 0);
    httplib::Headers auth{{"Authorization", "Bearer " + acme_token}};
    return c.Post("/v1/traces", auth, body, "application/json");
  }
  std::string get(const std::string& path) const {
    httplib::Client c("127.0.0.1", http_port);
    auto r = c.Get(path.c_str());
    REQUIRE(r);
    return r->body;
  }
};

} // namespace

TEST_CASE("tocsinctl deadletters list, show and replay OTLP dead letters") {
  otlp_daemon o;
  auto& d = o.d;
  d.start();
  auto refused = o.post(json_spans(3, now_unix_nano()));
  REQUIRE(refused);
  CHECK(refused->status == 422);
  auto malformed = o.post(R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 5}]}]}]})");
  REQUIRE(malformed);
  CHECK(malformed->status == 400);

  auto list = d.ctl_json({"deadletters", "list", "--kind", "otlp"});
  REQUIRE(list["dead_letters"].size() == 2);
  const auto tenant_dl = list["dead_letters"][0];
  const auto bad_dl = list["dead_letters"][1];
  CHECK(tenant_dl["tenant"] == "acme");
  CHECK(tenant_dl["reason"] == "unknown_tenant");
  CHECK(tenant_dl["receiver"] == "http");
  CHECK(tenant_dl["signal"] == "traces");
  CHECK(tenant_dl["content_type"] == "application/json");
  CHECK(bad_dl["reason"] == "malformed");
  const std::string id = tenant_dl["id"];
  const std::string bad_id = bad_dl["id"];

  auto table = d.ctl({"deadletters", "list", "--kind", "otlp"});
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("RECEIVER") && Catch::Contains(id)
                          && Catch::Contains("unknown_tenant"));

  auto shown = d.ctl_json({"deadletters", "show", id});
  CHECK(shown["size"] > 0);
  CHECK_THAT(shown["body_preview"].get<std::string>(), Catch::Contains("POST /checkout"));
  CHECK(shown["record"]["caller"]["kind"] == "tenant");

  // The tenant is still unknown: the replay fails, the dead letter stays.
  auto early = d.ctl({"deadletters", "replay", id});
  CHECK(early.code == 1);
  CHECK_THAT(early.err, Catch::Contains("FAILED_PRECONDITION") && Catch::Contains("unknown_tenant"));

  const auto policy = write_file(d.dir.sub("acme-policy.yaml"), "tenant: acme\n");
  REQUIRE(d.ctl({"policy", "apply", "-f", policy}).code == 0);
  auto replayed = d.ctl({"deadletters", "replay", id});
  INFO("stdout: " << replayed.out << "\nstderr: " << replayed.err);
  REQUIRE(replayed.code == 0);
  CHECK_THAT(replayed.out, Catch::Contains("replayed " + id) && Catch::Contains("3 accepted"));
  CHECK(d.ctl({"deadletters", "show", id}).code == 1); // erased

  auto dead = d.ctl({"deadletters", "replay", bad_id});
  CHECK(dead.code == 1);
  CHECK_THAT(dead.err, Catch::Contains("malformed"));

  const auto metrics = o.get("/metrics");
  CHECK_THAT(metrics, Catch::Contains("tocsin_otlp_dead_letter_replays_total{result=\"replayed\"} 1")
                        && Catch::Contains("tocsin_otlp_spans_received_total{transport=\"http\"} 3"));
  CHECK(json::parse(o.get("/healthz"))["status"] == "ok");

  // What stays dead survives a restart, attempts counted.
  d.restart();
  auto after = d.ctl_json({"deadletters", "list", "--kind", "otlp"});
  REQUIRE(after["dead_letters"].size() == 1);
  CHECK(after["dead_letters"][0]["id"] == bad_id);
  CHECK(after["dead_letters"][0]["attempts"] == 2);
  // Another tenant sees none of it.
  auto globex = d.ctl_json({"deadletters", "list", "--kind", "otlp"}, globex_token);
  CHECK(globex["dead_letters"].empty());
}
