// The envelope is JSON so `tocsinctl deadletters show` and the DeadLetter view read the same
// fields as for notification dead letters (tenant, reason, last_error, attempts, created_at);
// the payload follows raw, so a 16 MiB body is not inflated by base64.
#include "api/otlp_dead_letter.hpp"

#include "actors/notify_envelope_json.hpp"
#include "domain/ulid.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <random>

namespace tocsin::api {

namespace {

using json = nlohmann::json;

const char* kind_name(principal::kind k) {
  switch (k) {
    case principal::kind::tenant: return "tenant";
    case principal::kind::service: return "service";
    case principal::kind::anonymous: return "anonymous";
  }
  return "anonymous";
}

std::optional<principal::kind> kind_of(const std::string& s) {
  if (s == "tenant")
    return principal::kind::tenant;
  if (s == "service")
    return principal::kind::service;
  if (s == "anonymous")
    return principal::kind::anonymous;
  return std::nullopt;
}

template <class T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end())
    return fallback;
  if constexpr (std::is_same_v<T, std::string>)
    return it->is_string() ? it->get<std::string>() : fallback;
  else
    return it->is_number() ? it->get<T>() : fallback;
}

} // namespace

std::string encode_otlp_dead_letter(const otlp_envelope& e, std::string_view payload) {
  json caller = {{"kind", kind_name(e.caller.type)},
                 {"name", e.caller.name},
                 {"tenants", e.caller.tenants},
                 {"scopes", e.caller.scopes}};
  json j = {{"kind", "otlp"},
            {"tenant", e.tenant},
            {"caller", std::move(caller)},
            {"receiver", e.receiver},
            {"signal", e.signal},
            {"content_type", e.content_type},
            {"content_encoding", e.content_encoding},
            {"created_at", actors::rfc3339_ms(e.received_at)},
            {"received_at_unix_nano", e.received_at},
            {"reason", e.reason},
            {"last_error", e.last_error},
            {"attempts", e.attempts},
            {"last_attempt_at", actors::rfc3339_ms(e.last_attempt_at)},
            {"last_attempt_at_unix_nano", e.last_attempt_at},
            {"size", payload.size()}};
  // dump() escapes control characters, so the line holds no raw '\n'. Invalid UTF-8 (a
  // decoder message quoting bytes) is replaced rather than thrown on.
  std::string out = j.dump(-1, ' ', false, json::error_handler_t::replace);
  out.reserve(out.size() + 1 + payload.size());
  out += '\n';
  out.append(payload);
  return out;
}

std::optional<decoded_otlp_dead_letter> decode_otlp_dead_letter(std::string_view value) {
  const auto nl = value.find('\n');
  if (nl == std::string_view::npos)
    return std::nullopt;
  auto j = json::parse(value.substr(0, nl), nullptr, false);
  if (j.is_discarded() || !j.is_object() || get_or<std::string>(j, "kind", "") != "otlp")
    return std::nullopt;
  decoded_otlp_dead_letter d;
  d.envelope_json = value.substr(0, nl);
  d.payload = value.substr(nl + 1);
  auto& e = d.env;
  e.tenant = get_or<std::string>(j, "tenant", "");
  if (auto it = j.find("caller"); it != j.end() && it->is_object()) {
    auto k = kind_of(get_or<std::string>(*it, "kind", ""));
    if (!k)
      return std::nullopt; // without its caller a replay could not decide the tenant
    e.caller.type = *k;
    e.caller.name = get_or<std::string>(*it, "name", "");
    for (const char* key : {"tenants", "scopes"}) {
      auto list = it->find(key);
      if (list == it->end() || !list->is_array())
        continue;
      auto& out = std::string(key) == "tenants" ? e.caller.tenants : e.caller.scopes;
      for (const auto& v : *list)
        if (v.is_string())
          out.push_back(v.get<std::string>());
    }
  } else {
    return std::nullopt;
  }
  e.receiver = get_or<std::string>(j, "receiver", "");
  e.signal = get_or<std::string>(j, "signal", "");
  e.content_type = get_or<std::string>(j, "content_type", "");
  e.content_encoding = get_or<std::string>(j, "content_encoding", "");
  e.received_at = get_or<domain::timestamp>(j, "received_at_unix_nano", 0);
  e.reason = get_or<std::string>(j, "reason", "");
  e.last_error = get_or<std::string>(j, "last_error", "");
  e.attempts = get_or<std::uint32_t>(j, "attempts", 1);
  e.last_attempt_at = get_or<domain::timestamp>(j, "last_attempt_at_unix_nano", 0);
  e.size = d.payload.size();
  return d;
}

std::string new_otlp_dead_letter_key(domain::timestamp now) {
  // Uniqueness needs 64 random bits per key, not secrecy: one seeded generator behind a lock.
  // Monotonic within a millisecond (and if the clock steps back): the last key plus one, so key
  // order is arrival order.
  static std::mutex mu;
  static domain::splitmix64 rnd{[] {
    std::random_device rd;
    return std::uint64_t{rd()} << 32 ^ rd();
  }()};
  static domain::ulid last;
  std::lock_guard<std::mutex> guard(mu);
  auto id = domain::make_ulid(now, 0, rnd);
  if (!(last < id) || id.millis() <= last.millis()) {
    id = last;
    for (std::size_t i = id.bytes.size(); i-- > 6;) // the 80 bits after the time
      if (++id.bytes[i] != 0)
        break;
  }
  last = id;
  return std::string(otlp_dead_letter_prefix) + id.str();
}

} // namespace tocsin::api
