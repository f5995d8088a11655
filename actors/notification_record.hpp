// The notifier's durable delivery stream: a notification record (kv_db::notifications, key = the
// notification id, value = JSON), the keys it uses in the store, and the cursor encoding.
// Pure value code; any thread. Channel secrets are never part of a record.
//
// Keys written by the notifier:
//   kv_db::cursors        "<consumer>/<partition>"  → next journal offset, u64 big-endian
//   kv_db::notifications  "<id>" (32 lowercase hex)  → record JSON (below)
//   kv_db::notifications  "pending/<id>"             → "" while the record is pending, so a
//                          restart re-loads pending work without reading every record ever
//                          written ('p' sorts after every hex id: a scan of ids stays contiguous)
//   kv_db::dead_letters   "notification/<id>"        → {"reason": ..., "record": <record JSON>}
//   kv_db::dead_letters   "notify-event/<event id>"  → an event that could not be read
//
// Record JSON: {id, tenant, channel, url, format, kind, incident_id, event_id, event_type,
//               body, status: "pending"|"delivered"|"dead", attempts, created_at, delivered_at,
//               last_error}   (times RFC 3339 UTC ms; delivered_at "" until delivered)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::actors {

struct notification_record {
  std::string id;
  std::string tenant;
  std::string channel;
  std::string url;
  std::string format;      // domain::to_string(payload_format)
  std::string kind;        // trigger | acknowledge | resolve
  std::string incident_id;
  std::string event_id;
  std::string event_type;  // X-Tocsin-Event header, e.g. "EscalationStepTaken"
  std::string body;        // rendered once; every attempt sends these bytes
  std::string status = "pending";
  std::uint32_t attempts = 0;
  std::string created_at;
  std::string delivered_at;
  std::string last_error;
};

std::string encode_record(const notification_record& r);
/// nullopt when `json` is not a record (malformed JSON or a missing id).
std::optional<notification_record> decode_record(std::string_view json);

/// Dead-letter value: {"reason": reason, "record": record}.
std::string encode_dead_letter(const notification_record& r, const std::string& reason);
/// Dead letter of a journal event the notifier could not read (key "notify-event/<event id>"):
/// {"reason", "event_id", "incident_id"}.
std::string encode_event_dead_letter(const std::string& event_id, const std::string& incident_id,
                                     const std::string& reason);

std::string cursor_key(const std::string& consumer, std::uint32_t partition);
std::string encode_cursor(std::uint64_t offset);
/// nullopt unless exactly 8 bytes.
std::optional<std::uint64_t> decode_cursor(std::string_view bytes);

inline constexpr std::string_view pending_prefix = "pending/";
std::string pending_key(const std::string& id);
std::string dead_letter_key(const std::string& id);

} // namespace tocsin::actors
