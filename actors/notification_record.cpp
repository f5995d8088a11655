// Notification records and notifier keys: see notification_record.hpp.
#include "actors/notification_record.hpp"

#include <nlohmann/json.hpp>

namespace tocsin::actors {
namespace {

using nlohmann::json;

json to_json(const notification_record& r) {
  return {{"id", r.id},
          {"tenant", r.tenant},
          {"channel", r.channel},
          {"url", r.url},
          {"format", r.format},
          {"kind", r.kind},
          {"incident_id", r.incident_id},
          {"event_id", r.event_id},
          {"event_type", r.event_type},
          {"body", r.body},
          {"status", r.status},
          {"attempts", r.attempts},
          {"created_at", r.created_at},
          {"delivered_at", r.delivered_at},
          {"last_error", r.last_error}};
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Appends `v` as a JSON string. Hand-rolled for the hot path (every record is written twice:
// pending, then its outcome): building a json object per record cost more than the HTTP send.
// Non-ASCII text goes through nlohmann so invalid UTF-8 is repaired exactly as elsewhere.
void append_string(std::string& out, const std::string& v) {
  for (unsigned char c : v)
    if (c >= 0x80) {
      out += dump(json(v));
      return;
    }
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0; // start of the pending run of characters that need no escape
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c != '"' && c != '\\' && c >= 0x20)
      continue;
    out.append(v, run, i - run);
    run = i + 1;
    if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    } else {
      out += '\\';
      out += static_cast<char>(c);
    }
  }
  out.append(v, run, std::string::npos);
  out += '"';
}

void append_field(std::string& out, const char* key, const std::string& v) {
  out += out.size() > 1 ? ",\"" : "\"";
  out += key;
  out += "\":";
  append_string(out, v);
}

} // namespace

std::string encode_record(const notification_record& r) {
  std::string out;
  out.reserve(r.body.size() + r.body.size() / 8 + 512);
  out += '{';
  append_field(out, "id", r.id);
  append_field(out, "tenant", r.tenant);
  append_field(out, "channel", r.channel);
  append_field(out, "url", r.url);
  append_field(out, "format", r.format);
  append_field(out, "kind", r.kind);
  append_field(out, "incident_id", r.incident_id);
  append_field(out, "event_id", r.event_id);
  append_field(out, "event_type", r.event_type);
  append_field(out, "body", r.body);
  append_field(out, "status", r.status);
  out += ",\"attempts\":" + std::to_string(r.attempts);
  append_field(out, "created_at", r.created_at);
  append_field(out, "delivered_at", r.delivered_at);
  append_field(out, "last_error", r.last_error);
  out += '}';
  return out;
}

std::optional<notification_record> decode_record(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return std::nullopt;
  auto str = [&j](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  notification_record r;
  r.id = str("id");
  if (r.id.empty())
    return std::nullopt;
  r.tenant = str("tenant");
  r.channel = str("channel");
  r.url = str("url");
  r.format = str("format");
  r.kind = str("kind");
  r.incident_id = str("incident_id");
  r.event_id = str("event_id");
  r.event_type = str("event_type");
  r.body = str("body");
  r.status = str("status");
  if (auto it = j.find("attempts"); it != j.end() && it->is_number_unsigned())
    r.attempts = it->get<std::uint32_t>();
  r.created_at = str("created_at");
  r.delivered_at = str("delivered_at");
  r.last_error = str("last_error");
  return r;
}

std::string encode_dead_letter(const notification_record& r, const std::string& reason) {
  return dump(json{{"reason", reason}, {"record", to_json(r)}});
}

std::string encode_event_dead_letter(const std::string& event_id, const std::string& incident_id,
                                     const std::string& reason) {
  return dump(json{{"reason", reason}, {"event_id", event_id}, {"incident_id", incident_id}});
}

std::string cursor_key(const std::string& consumer, std::uint32_t partition) {
  return consumer + "/" + std::to_string(partition);
}

std::string encode_cursor(std::uint64_t offset) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(offset & 0xFF);
    offset >>= 8;
  }
  return out;
}

std::optional<std::uint64_t> decode_cursor(std::string_view bytes) {
  if (bytes.size() != 8)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : bytes)
    v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string pending_key(const std::string& id) {
  return std::string(pending_prefix) + id;
}

std::string dead_letter_key(const std::string& id) {
  return "notification/" + id;
}

} // namespace tocsin::actors
