// Reads fields leniently: a dead letter is kept for humans to inspect, so a missing field shows
// as empty rather than hiding the entry.
#include "api/dead_letter_view.hpp"

#include "actors/notify_envelope_json.hpp"
#include "api/otlp_dead_letter.hpp"

#include <nlohmann/json.hpp>

namespace tocsin::api {

namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool otlp_dead_letter_from(const std::string& key, const std::string& value, bool with_record,
                           v1::DeadLetter& out) {
  auto dl = decode_otlp_dead_letter(value);
  if (!dl)
    return false;
  const auto& e = dl->env;
  out.set_id(key);
  out.set_kind("otlp");
  out.set_tenant(e.tenant);
  out.set_reason(e.reason);
  out.set_last_error(e.last_error);
  out.set_attempts(e.attempts);
  out.set_created_at(actors::rfc3339_ms(e.received_at));
  out.set_receiver(e.receiver);
  out.set_signal(e.signal);
  out.set_content_type(e.content_type);
  out.set_content_encoding(e.content_encoding);
  out.set_size(dl->payload.size());
  if (with_record) {
    out.set_record_json(std::string(dl->envelope_json));
    out.set_body(std::string(dl->payload.substr(0, max_dead_letter_body)));
  }
  return true;
}

} // namespace

bool dead_letter_from(const std::string& key, const std::string& value, bool with_record,
                      v1::DeadLetter& out) {
  if (key.rfind(otlp_dead_letter_prefix, 0) == 0)
    return otlp_dead_letter_from(key, value, with_record, out);
  auto j = json::parse(value, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return false;
  out.set_id(key);
  out.set_kind(key.substr(0, key.find('/')));
  out.set_reason(str(j, "reason"));
  // notification/<id>: {"reason", "record": {...}}; notify-event/<id>: {"reason", "event_id",
  // "incident_id"} (no tenant: the event itself could not be read).
  const json* rec = &j;
  if (auto it = j.find("record"); it != j.end() && it->is_object())
    rec = &*it;
  out.set_tenant(str(*rec, "tenant"));
  out.set_channel(str(*rec, "channel"));
  out.set_incident_id(str(*rec, "incident_id"));
  out.set_event_id(str(*rec, "event_id"));
  out.set_last_error(str(*rec, "last_error"));
  out.set_created_at(str(*rec, "created_at"));
  if (auto it = rec->find("attempts"); it != rec->end() && it->is_number_unsigned())
    out.set_attempts(it->get<std::uint32_t>());
  if (with_record)
    out.set_record_json(value);
  return true;
}

} // namespace tocsin::api
