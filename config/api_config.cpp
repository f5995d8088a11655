// Same rules as the rest of the loader: unknown and repeated keys are errors, every error names
// file, line and dotted key. Token values are never echoed, not even a token written inline.
#include "config/api_config.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace tocsin::config {

namespace {

using yaml::field;

// The api: section's messages have always said only what was expected, never what was found
// (a token written inline must not be echoed).
class reader : public yaml::walker {
public:
  using walker::walker;

  void walk(const field& f, const yaml::section& hs) const {
    walker::walk(f, hs, "a map of settings");
  }

  std::vector<std::string> strings(const field& n, const std::string& what) const {
    std::vector<std::string> out;
    each_item(n, [&](const field& item) { out.push_back(scalar(item, what)); });
    if (out.empty())
      fail(n.mark, n.key, "expected a non-empty list of " + what + "s");
    return out;
  }

  // {env: VARIABLE} or {file: path}.
  std::string secret(const field& n) const {
    const std::string what = "expected {env: VARIABLE} or {file: path} (token values are never "
                             "written in the config)";
    if (!n.value.IsMap())
      fail(n.mark, n.key, what);
    std::string value;
    int sources = 0;
    walk(n, {{"env", [&](const field& g) {
                auto var = scalar(g, "an environment variable name");
                const char* v = std::getenv(var.c_str());
                if (!v || !*v)
                  fail(g.mark, g.key, "environment variable " + var + " is not set or empty");
                value = v;
                ++sources;
              }},
             {"file", [&](const field& g) {
                auto path = scalar(g, "a file path");
                std::ifstream in{path, std::ios::binary};
                if (!in)
                  fail(g.mark, g.key, "cannot read " + path + ": " + std::strerror(errno));
                std::ostringstream buf;
                buf << in.rdbuf();
                value = buf.str();
                while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
                  value.pop_back();
                if (value.empty())
                  fail(g.mark, g.key, path + " is empty");
                ++sources;
              }}});
    if (sources != 1)
      fail(n.mark, n.key, what);
    return value;
  }

protected:
  std::string found(const YAML::Node&) const override { return ""; }
};

bool known_scope(const std::string& s) {
  for (auto known : api::service_scopes)
    if (s == known)
      return true;
  return s.rfind("subscribe:", 0) == 0 && s.size() > 10;
}

std::string scope_list() {
  std::string out;
  for (auto known : api::service_scopes)
    out.append(known).append(", ");
  return out + "subscribe:<topic>";
}

bool loopback(const std::string& listen) {
  for (const char* prefix : {"127.", "localhost:", "[::1]:", "ipv4:127.", "ipv6:[::1]"})
    if (listen.rfind(prefix, 0) == 0)
      return true;
  return false;
}

void read_tenant(const reader& r, const field& n, api::api_options& out) {
  api::tenant_tokens t;
  r.walk(n, {{"id", [&](const field& g) { t.tenant = r.scalar(g, "a tenant id"); }},
             {"tokens", [&](const field& g) {
                r.each_item(g, [&](const field& item) { t.tokens.push_back(r.secret(item)); });
              }}});
  if (t.tenant.empty())
    r.fail(n.mark, n.key + ".id", "is required");
  if (t.tokens.empty())
    r.fail(n.mark, n.key + ".tokens", "is required (a list of {env: ...} or {file: ...})");
  out.tenants.push_back(std::move(t));
}

void read_service_token(const reader& r, const field& n, api::api_options& out) {
  api::service_token s;
  r.walk(n, {{"name", [&](const field& g) { s.name = r.scalar(g, "a name"); }},
             {"token", [&](const field& g) { s.value = r.secret(g); }},
             {"scopes", [&](const field& g) {
                s.scopes = r.strings(g, "scope");
                for (const auto& sc : s.scopes)
                  if (!known_scope(sc))
                    r.fail(g.mark, g.key,
                           "unknown scope \"" + sc + "\" (expected one of " + scope_list() + ")");
              }},
             {"tenants", [&](const field& g) {
                s.tenants = r.strings(g, "tenant id or \"*\"");
              }}});
  for (auto [key, missing] : {std::pair{"name", s.name.empty()}, {"token", s.value.empty()},
                              {"scopes", s.scopes.empty()}, {"tenants", s.tenants.empty()}})
    if (missing)
      r.fail(n.mark, n.key + "." + key, "is required");
  out.service_tokens.push_back(std::move(s));
}

} // namespace

void read_api_section(const yaml::walker& w, const field& n, api::api_options& out) {
  const reader r{w.name()};
  const std::string& key = n.key;
  const YAML::Mark& mark = n.mark;
  std::optional<bool> anonymous;
  YAML::Mark anonymous_mark;
  r.walk(n, {
    {"listen", [&](const field& g) { out.listen = r.scalar(g, "host:port"); }},
    {"tls", [&](const field& g) {
       r.walk(g, {{"cert", [&](const field& h) { out.tls_cert = r.scalar(h, "a PEM file path"); }},
                  {"key", [&](const field& h) { out.tls_key = r.scalar(h, "a PEM file path"); }}});
       if (out.tls_cert.empty() != out.tls_key.empty())
         r.fail(g.mark, g.key, "needs both cert and key");
     }},
    {"allow_anonymous", [&](const field& g) {
       auto v = r.scalar(g, "true or false");
       if (v != "true" && v != "false")
         r.fail(g.mark, g.key, "expected true or false, got \"" + v + "\"");
       anonymous = v == "true";
       anonymous_mark = g.mark;
     }},
    {"tenants", [&](const field& g) {
       r.each_item(g, [&](const field& item) { read_tenant(r, item, out); });
     }},
    {"service_tokens", [&](const field& g) {
       r.each_item(g, [&](const field& item) { read_service_token(r, item, out); });
     }},
  });
  // One value on two entries would make the caller's identity ambiguous.
  std::set<std::string> values;
  std::size_t count = 0;
  for (const auto& t : out.tenants)
    for (const auto& v : t.tokens)
      values.insert(v), ++count;
  for (const auto& s : out.service_tokens)
    values.insert(s.value), ++count;
  if (values.size() != count)
    r.fail(mark, key, "two tokens have the same value");
  out.allow_anonymous = anonymous.value_or(count == 0 && loopback(out.listen));
  if (out.allow_anonymous && !loopback(out.listen))
    r.fail(anonymous_mark, key + ".allow_anonymous",
           "anonymous access needs a loopback listen address, got " + out.listen);
}

std::string read_secret(const yaml::walker& w, const field& f) {
  return reader{w.name()}.secret(f);
}

void default_api_section(api::api_options& out) {
  out.allow_anonymous = out.tenants.empty() && out.service_tokens.empty() && loopback(out.listen);
}

} // namespace tocsin::config
