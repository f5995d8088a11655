// The `api:` section of tocsin.yaml: tokens from environment variables and files (values never
// in messages), scopes, TLS pairs, the anonymous dev default; errors name file, line and key.
#include "config/config.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using tocsin::config::parse_config;

namespace {

std::string write(const tocsin::test::temp_dir& dir, const std::string& name,
                  const std::string& text) {
  std::ofstream{dir.sub(name)} << text;
  return dir.sub(name);
}

} // namespace

TEST_CASE("without an api section the API listens on loopback and allows anonymous calls") {
  auto r = parse_config("", "t.yaml");
  REQUIRE(r.ok());
  CHECK(r->api.listen == "127.0.0.1:7117");
  CHECK(r->api.allow_anonymous);
  CHECK(r->api.tenants.empty());
}

TEST_CASE("tenant and service tokens come from environment variables and files") {
  tocsin::test::temp_dir dir{"tocsin-api-config"};
  const auto file = write(dir, "acme.token", "from-file-token\n");
  ::setenv("TOCSIN_TEST_API_TOKEN", "from-env-token", 1);
  auto r = parse_config(R"(api:
  listen: 0.0.0.0:7443
  tls:
    cert: /etc/tocsin/api.crt
    key: /etc/tocsin/api.key
  tenants:
    - id: acme
      tokens:
        - file: )" + file + R"(
        - env: TOCSIN_TEST_API_TOKEN
  service_tokens:
    - name: knowledge-platform
      token: {env: TOCSIN_TEST_API_TOKEN_KP}
      scopes: ["subscribe:feedback"]
      tenants: ["*"]
)",
                        "t.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().message
        == "t.yaml:13: api.service_tokens[0].token.env: environment variable "
           "TOCSIN_TEST_API_TOKEN_KP is not set or empty");
  ::setenv("TOCSIN_TEST_API_TOKEN_KP", "kp-token", 1);
  r = parse_config(R"(api:
  listen: 0.0.0.0:7443
  tls:
    cert: /etc/tocsin/api.crt
    key: /etc/tocsin/api.key
  tenants:
    - id: acme
      tokens:
        - file: )" + file + R"(
        - env: TOCSIN_TEST_API_TOKEN
  service_tokens:
    - name: knowledge-platform
      token: {env: TOCSIN_TEST_API_TOKEN_KP}
      scopes: ["subscribe:feedback"]
      tenants: ["*"]
)",
                   "t.yaml");
  REQUIRE(r.ok());
  const auto& api = r->api;
  CHECK(api.listen == "0.0.0.0:7443");
  CHECK(api.tls_cert == "/etc/tocsin/api.crt");
  REQUIRE(api.tenants.size() == 1);
  CHECK(api.tenants[0].tenant == "acme");
  CHECK(api.tenants[0].tokens == std::vector<std::string>{"from-file-token", "from-env-token"});
  REQUIRE(api.service_tokens.size() == 1);
  CHECK(api.service_tokens[0].value == "kp-token");
  CHECK(api.service_tokens[0].scopes == std::vector<std::string>{"subscribe:feedback"});
  CHECK_FALSE(api.allow_anonymous);
}

TEST_CASE("api errors name file, line and key and never show a token") {
  tocsin::test::temp_dir dir{"tocsin-api-config"};
  const auto file = write(dir, "t.token", "secret-value-123");
  const std::pair<std::string, std::string> cases[] = {
    {"api:\n  tenants:\n    - id: acme\n      tokens:\n        - secret-value-123\n",
     "t.yaml:5: api.tenants[0].tokens[0]: expected {env: VARIABLE} or {file: path}"},
    {"api:\n  tenants:\n    - id: acme\n      tokens:\n        - file: /nonexistent/t\n",
     "t.yaml:5: api.tenants[0].tokens[0].file: cannot read /nonexistent/t"},
    {"api:\n  tenants:\n    - tokens:\n        - file: " + file + "\n",
     "t.yaml:3: api.tenants[0].id: is required"},
    {"api:\n  service_tokens:\n    - name: x\n      token: {file: " + file
       + "}\n      scopes: [incidents:delete]\n      tenants: [acme]\n",
     "t.yaml:5: api.service_tokens[0].scopes: unknown scope \"incidents:delete\""},
    {"api:\n  tenants:\n    - id: a\n      tokens: [{file: " + file + "}]\n    - id: b\n"
       "      tokens: [{file: " + file + "}]\n",
     "t.yaml:1: api: two tokens have the same value"},
    {"api:\n  listen: 0.0.0.0:7117\n  allow_anonymous: true\n",
     "t.yaml:3: api.allow_anonymous: anonymous access needs a loopback listen address"},
    {"api:\n  tls:\n    cert: a.pem\n", "t.yaml:2: api.tls: needs both cert and key"},
    {"api:\n  lisen: x\n", "t.yaml:2: api.lisen: unknown key"},
  };
  for (const auto& [text, expected] : cases) {
    auto r = parse_config(text, "t.yaml");
    INFO(text);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.err().message, Catch::StartsWith(expected));
    CHECK(r.err().message.find("secret-value-123") == std::string::npos);
  }
}
