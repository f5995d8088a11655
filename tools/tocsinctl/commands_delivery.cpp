// `tocsinctl deadletters list|show|replay` and `tocsinctl admin delivery`: what the notifier could
// not deliver, the OTLP requests the receivers refused (replayable once the cause is fixed), and
// how each channel is doing. A tenant token sees its own tenant only.
#include "commands.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace tocsinctl {

namespace {

// How much of an OTLP payload `show` prints: JSON as text, protobuf as hex.
constexpr std::size_t preview_bytes = 512;

std::string hex_preview(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < preview_bytes; ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return bytes.size() > preview_bytes ? out + "..." : out;
}

json body_preview(const pb::DeadLetter& d) {
  if (d.content_type() == "application/json") {
    auto text = d.body().substr(0, preview_bytes);
    try {
      (void)json(text).dump(); // throws on invalid UTF-8 (e.g. cut mid-character)
      return d.body().size() > preview_bytes ? text + "..." : text;
    } catch (const json::exception&) {
    }
  }
  return hex_preview(d.body());
}

json dead_letter_json(const pb::DeadLetter& d) {
  json j = {{"id", d.id()},           {"kind", d.kind()},
            {"tenant", d.tenant()},   {"channel", d.channel()},
            {"incident_id", d.incident_id()}, {"event_id", d.event_id()},
            {"reason", d.reason()},   {"last_error", d.last_error()},
            {"attempts", d.attempts()}, {"created_at", d.created_at()}};
  if (d.kind() == "otlp") {
    for (const char* key : {"channel", "incident_id", "event_id"})
      j.erase(key);
    j["receiver"] = d.receiver();
    j["signal"] = d.signal();
    j["content_type"] = d.content_type();
    j["content_encoding"] = d.content_encoding();
    j["size"] = d.size();
    if (!d.body().empty())
      j["body_preview"] = body_preview(d);
  }
  if (!d.record_json().empty()) {
    auto rec = json::parse(d.record_json(), nullptr, false);
    j["record"] = rec.is_discarded() ? json(d.record_json()) : rec;
  }
  return j;
}

struct list_args {
  std::string kind;
  int page_size = 0;
  std::string page_token;
};

int list(client& c, output fmt, const list_args& a) {
  pb::ListDeadLettersRequest req;
  req.set_kind(a.kind);
  req.set_page_size(a.page_size);
  req.set_page_token(a.page_token);
  pb::ListDeadLettersResponse resp;
  auto ctx = c.context();
  auto status = c.admin().ListDeadLetters(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt != output::table) {
    json items = json::array();
    for (const auto& d : resp.dead_letters())
      items.push_back(dead_letter_json(d));
    print(json{{"dead_letters", items}, {"next_page_token", resp.next_page_token()}}, fmt);
    return 0;
  }
  auto reason = [](const pb::DeadLetter& d) {
    return d.last_error().empty() ? d.reason() : d.reason() + ": " + d.last_error();
  };
  std::vector<std::vector<std::string>> rows;
  if (a.kind == "otlp") {
    rows = {{"ID", "TENANT", "RECEIVER", "SIGNAL", "CONTENT_TYPE", "SIZE", "ATTEMPTS", "CREATED",
             "REASON"}};
    for (const auto& d : resp.dead_letters())
      rows.push_back({d.id(), d.tenant(), d.receiver(), d.signal(), d.content_type(),
                      std::to_string(d.size()), std::to_string(d.attempts()), d.created_at(),
                      reason(d)});
  } else {
    // Mixed kinds: an OTLP row shows where it came from in the channel column.
    rows = {{"ID", "TENANT", "CHANNEL", "INCIDENT", "ATTEMPTS", "CREATED", "REASON"}};
    for (const auto& d : resp.dead_letters())
      rows.push_back({d.id(), d.tenant(),
                      d.kind() == "otlp" ? "otlp-" + d.receiver() + " " + d.signal() : d.channel(),
                      d.incident_id(), std::to_string(d.attempts()), d.created_at(), reason(d)});
  }
  std::cout << table(rows);
  if (!resp.next_page_token().empty())
    std::cout << "more: --page-token " << resp.next_page_token() << "\n";
  return 0;
}

int show(client& c, output fmt, const std::string& id) {
  pb::GetDeadLetterRequest req;
  req.set_id(id);
  pb::DeadLetter resp;
  auto ctx = c.context();
  auto status = c.admin().GetDeadLetter(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  auto j = dead_letter_json(resp);
  if (fmt != output::table) {
    print(j, fmt);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& [k, v] : j.items())
    if (k != "record")
      rows.push_back({k, v.is_string() ? v.get<std::string>() : v.dump()});
  std::cout << table(rows) << "\nrecord:\n"
            << (j.contains("record") ? j["record"].dump(2) : "") << "\n";
  return 0;
}

int replay(client& c, output fmt, const std::string& id) {
  pb::ReplayDeadLetterRequest req;
  req.set_id(id);
  pb::ReplayDeadLetterResponse resp;
  auto ctx = c.context();
  auto status = c.admin().ReplayDeadLetter(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt != output::table) {
    print(json{{"id", resp.id()},
               {"tenant", resp.tenant()},
               {"signal", resp.signal()},
               {"accepted", resp.accepted()},
               {"rejected", resp.rejected()},
               {"message", resp.message()}},
          fmt);
    return 0;
  }
  std::cout << "replayed " << resp.id() << " (tenant " << resp.tenant() << ", "
            << resp.signal() << "): " << resp.accepted() << " accepted, " << resp.rejected()
            << " rejected" << (resp.message().empty() ? "" : ": " + resp.message())
            << "; dead letter erased\n";
  return 0;
}

int delivery(client& c, output fmt) {
  pb::DeliveryStatsResponse resp;
  auto ctx = c.context();
  auto status = c.admin().DeliveryStats(ctx.get(), pb::DeliveryStatsRequest{}, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt != output::table) {
    json items = json::array();
    for (const auto& s : resp.channels())
      items.push_back({{"tenant", s.tenant()},         {"channel", s.channel()},
                       {"delivered", s.delivered()},   {"attempts", s.attempts()},
                       {"failures", s.failures()},     {"dead_lettered", s.dead_lettered()},
                       {"pending", s.pending()},       {"last_error", s.last_error()},
                       {"last_latency_ms", s.last_latency_ms()}});
    print(json{{"channels", items}}, fmt);
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {{"TENANT", "CHANNEL", "DELIVERED", "ATTEMPTS",
                                                 "FAILURES", "DEAD", "PENDING", "LATENCY_MS",
                                                 "LAST_ERROR"}};
  for (const auto& s : resp.channels()) {
    std::ostringstream latency;
    latency << std::fixed << std::setprecision(1) << s.last_latency_ms();
    rows.push_back({s.tenant(), s.channel(), std::to_string(s.delivered()),
                    std::to_string(s.attempts()), std::to_string(s.failures()),
                    std::to_string(s.dead_lettered()), std::to_string(s.pending()), latency.str(),
                    s.last_error()});
  }
  std::cout << table(rows);
  return 0;
}

} // namespace

void add_deadletter_commands(CLI::App& app, cli_state& st) {
  auto* dl = app.add_subcommand("deadletters",
                                "notifications the notifier gave up on, OTLP requests refused");
  dl->require_subcommand(1);
  auto* cmd = dl->add_subcommand("list", "dead letters in key order");
  auto a = std::make_shared<list_args>();
  cmd->add_option("--kind", a->kind, "notification, notify-event, otlp or relay (default: all)")
    ->check(CLI::IsMember({"notification", "notify-event", "otlp", "relay"}));
  cmd->add_option("--page-size", a->page_size, "rows per page (default 100, at most 1000)")
    ->check(CLI::Range(0, 1000));
  cmd->add_option("--page-token", a->page_token, "continue after a previous page");
  cmd->callback([&st, a] {
    st.action = [a](client& c, output fmt) { return list(c, fmt, *a); };
  });
  auto* show_cmd = dl->add_subcommand("show", "one dead letter with its full record and body");
  auto id = std::make_shared<std::string>();
  show_cmd->add_option("id", *id, "key (notification/<id>, otlp/<id>) or notification id")
    ->required();
  show_cmd->callback([&st, id] {
    st.action = [id](client& c, output fmt) { return show(c, fmt, *id); };
  });
  auto* replay_cmd = dl->add_subcommand(
    "replay", "re-ingest an OTLP dead letter (erased if accepted, kept if it still fails)");
  auto replay_id = std::make_shared<std::string>();
  replay_cmd->add_option("id", *replay_id, "key (otlp/<id>) or OTLP dead-letter id")->required();
  replay_cmd->callback([&st, replay_id] {
    st.action = [replay_id](client& c, output fmt) { return replay(c, fmt, *replay_id); };
  });
}

void add_admin_delivery_command(CLI::App& admin, cli_state& st) {
  admin.add_subcommand("delivery", "per-channel notification delivery counters")->callback([&st] {
    st.action = [](client& c, output fmt) { return delivery(c, fmt); };
  });
}

} // namespace tocsinctl
