// `tocsinctl deadletters list|show` and `tocsinctl admin delivery`: what the notifier could not
// deliver and how each channel is doing. A tenant token sees its own tenant only.
#include "commands.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace tocsinctl {

namespace {

json dead_letter_json(const pb::DeadLetter& d) {
  json j = {{"id", d.id()},           {"kind", d.kind()},
            {"tenant", d.tenant()},   {"channel", d.channel()},
            {"incident_id", d.incident_id()}, {"event_id", d.event_id()},
            {"reason", d.reason()},   {"last_error", d.last_error()},
            {"attempts", d.attempts()}, {"created_at", d.created_at()}};
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
  std::vector<std::vector<std::string>> rows = {
    {"ID", "TENANT", "CHANNEL", "INCIDENT", "ATTEMPTS", "CREATED", "REASON"}};
  for (const auto& d : resp.dead_letters())
    rows.push_back({d.id(), d.tenant(), d.channel(), d.incident_id(), std::to_string(d.attempts()),
                    d.created_at(),
                    d.last_error().empty() ? d.reason() : d.reason() + ": " + d.last_error()});
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
  auto* dl = app.add_subcommand("deadletters", "notifications the notifier gave up on");
  dl->require_subcommand(1);
  auto* cmd = dl->add_subcommand("list", "dead letters in key order");
  auto a = std::make_shared<list_args>();
  cmd->add_option("--kind", a->kind, "notification or notify-event (default: both)")
    ->check(CLI::IsMember({"notification", "notify-event"}));
  cmd->add_option("--page-size", a->page_size, "rows per page (default 100, at most 1000)")
    ->check(CLI::Range(0, 1000));
  cmd->add_option("--page-token", a->page_token, "continue after a previous page");
  cmd->callback([&st, a] {
    st.action = [a](client& c, output fmt) { return list(c, fmt, *a); };
  });
  auto* show_cmd = dl->add_subcommand("show", "one dead letter with its full record and body");
  auto id = std::make_shared<std::string>();
  show_cmd->add_option("id", *id, "key (notification/<id>) or notification id")->required();
  show_cmd->callback([&st, id] {
    st.action = [id](client& c, output fmt) { return show(c, fmt, *id); };
  });
}

void add_admin_delivery_command(CLI::App& admin, cli_state& st) {
  admin.add_subcommand("delivery", "per-channel notification delivery counters")->callback([&st] {
    st.action = [](client& c, output fmt) { return delivery(c, fmt); };
  });
}

} // namespace tocsinctl
