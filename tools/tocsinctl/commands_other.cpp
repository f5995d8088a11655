// `tocsinctl events watch` and `tocsinctl admin stats|health` (admin delivery:
// commands_delivery.cpp).
#include "commands.hpp"

#include <iostream>
#include <memory>

namespace tocsinctl {

namespace {

struct watch_args {
  std::string from;
  bool from_beginning = false;
  std::uint64_t count = 0;
};

int watch(client& c, output fmt, const cli_state& st, const watch_args& a) {
  pb::WatchRequest req;
  req.set_tenant(st.conn.tenant);
  req.set_from_offset(a.from);
  req.set_from_beginning(a.from_beginning);
  // A stream has no overall deadline: it runs until --count events or until interrupted.
  auto ctx = c.context(false);
  auto reader = c.incidents().Watch(ctx.get(), req);
  pb::WatchEvent ev;
  std::uint64_t seen = 0;
  bool header = false;
  while (reader->Read(&ev)) {
    ++seen;
    if (fmt == output::json) {
      std::cout << to_json(ev).dump() << "\n"; // one object per line, for piping
    } else if (fmt == output::yaml) {
      std::cout << "---\n" << to_yaml(to_json(ev));
    } else {
      // Fixed widths: rows are printed as they arrive, before any later row is known.
      auto cell = [](std::string s, std::size_t width) {
        s.resize(std::max(s.size(), width), ' ');
        return s + "  ";
      };
      if (!header) {
        std::cout << cell("TIME", 24) << cell("INCIDENT", 26) << cell("SEQ", 4)
                  << cell("EVENT", 20) << "DETAILS\n";
        header = true;
      }
      const auto& e = ev.event();
      std::cout << cell(format_time(e.occurred_at_unix_nano(), true), 24)
                << cell(e.aggregate_id(), 26) << cell(std::to_string(e.sequence()), 4)
                << cell(e.type(), 20) << ev.details() << "\n";
    }
    std::cout.flush();
    if (a.count > 0 && seen >= a.count) {
      ctx->TryCancel();
      reader->Finish();
      if (fmt == output::table)
        std::cout << "resume with: --from " << ev.offset() << "\n";
      return 0;
    }
  }
  auto status = reader->Finish();
  return status.ok() ? 0 : c.report(status);
}

} // namespace

void add_event_commands(CLI::App& app, cli_state& st) {
  auto* events = app.add_subcommand("events", "the tenant's event stream");
  events->require_subcommand(1);
  auto* cmd = events->add_subcommand("watch", "stream events from an offset, then live");
  auto a = std::make_shared<watch_args>();
  cmd->add_option("--from", a->from, "resume after the event that carried this offset");
  cmd->add_flag("--from-beginning", a->from_beginning, "start at the oldest event");
  cmd->add_option("--count", a->count, "stop after this many events");
  cmd->callback([&st, a] {
    st.action = [&st, a](client& c, output fmt) { return watch(c, fmt, st, *a); };
  });
}

void add_admin_commands(CLI::App& app, cli_state& st) {
  auto* admin = app.add_subcommand("admin", "node statistics and health");
  admin->require_subcommand(1);
  admin->add_subcommand("stats", "store, engine and API counters (admin scope)")->callback([&st] {
    st.action = [](client& c, output fmt) {
      pb::StatsResponse resp;
      auto ctx = c.context();
      auto status = c.admin().Stats(ctx.get(), pb::StatsRequest{}, &resp);
      if (!status.ok())
        return c.report(status);
      json j = json::object();
      for (const auto& [group, m] : {std::pair{"store", &resp.store()},
                                     std::pair{"engine", &resp.engine()},
                                     std::pair{"api", &resp.api()}}) {
        std::map<std::string, std::uint64_t> sorted(m->begin(), m->end());
        j[group] = sorted;
      }
      if (fmt != output::table) {
        print(j, fmt);
        return 0;
      }
      std::vector<std::vector<std::string>> rows = {{"GROUP", "COUNTER", "VALUE"}};
      for (auto& [group, m] : j.items())
        for (auto& [k, v] : m.items())
          rows.push_back({group, k, v.dump()});
      std::cout << table(rows);
      return 0;
    };
  });
  add_admin_delivery_command(*admin, st);
  admin->add_subcommand("health", "health details of the node")->callback([&st] {
    st.action = [](client& c, output fmt) {
      pb::HealthResponse resp;
      auto ctx = c.context();
      auto status = c.admin().Health(ctx.get(), pb::HealthRequest{}, &resp);
      if (!status.ok())
        return c.report(status);
      std::map<std::string, std::string> details(resp.details().begin(), resp.details().end());
      if (fmt != output::table) {
        print(json{{"status", resp.status()}, {"details", details}}, fmt);
        return 0;
      }
      std::vector<std::vector<std::string>> rows = {{"status", resp.status()}};
      for (const auto& [k, v] : details)
        rows.push_back({k, v});
      std::cout << table(rows);
      return resp.status() == "SERVING" ? 0 : 1;
    };
  });
}

} // namespace tocsinctl
