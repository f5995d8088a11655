// `tocsinctl slo apply -f FILE | list | get ID | status ID | delete ID`. apply sends the OpenSLO
// file's text as is: the server parses it (errors name the file, line and key) and stores all
// of its SLOs or none.
#include "commands.hpp"
#include "render_slo.hpp"

#include "tocsin/v1/definitions.pb.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace tocsinctl {

namespace {

int apply(client& c, output fmt, const std::string& file) {
  std::ifstream in{file, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    std::cerr << "tocsinctl: cannot read " << file << "\n";
    return 2;
  }
  pb::ApplySloRequest req;
  req.set_tenant(c.options().tenant);
  req.set_yaml(text.str());
  req.set_file_name(file);
  pb::ApplySloResponse resp;
  auto ctx = c.context();
  auto status = c.slos().Apply(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt != output::table) {
    json items = json::array();
    for (const auto& s : resp.slos())
      items.push_back(slo_json(s));
    print(json{{"slos", items}}, fmt);
    return 0;
  }
  for (const auto& s : resp.slos()) {
    const auto& d = s.definition();
    std::cout << "applied SLO " << d.id() << " for tenant " << d.tenant() << " (source "
              << s.source() << "): target " << d.target() << " over "
              << slo_duration(d.window_nanos()) << ", "
              << (d.conditions_size() == 0 ? std::string{"default conditions"}
                                           : std::to_string(d.conditions_size()) + " condition(s)")
              << "\n";
  }
  return 0;
}

int list(client& c, output fmt) {
  pb::ListSlosRequest req;
  req.set_tenant(c.options().tenant);
  pb::ListSlosResponse resp;
  auto ctx = c.context();
  auto status = c.slos().List(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt == output::table) {
    std::cout << slo_list_table(resp);
    return 0;
  }
  json items = json::array();
  for (const auto& s : resp.slos())
    items.push_back(slo_json(s));
  print(json{{"slos", items}}, fmt);
  return 0;
}

int get(client& c, output fmt, const std::string& id) {
  pb::GetSloRequest req;
  req.set_tenant(c.options().tenant);
  req.set_id(id);
  pb::StoredSlo resp;
  auto ctx = c.context();
  auto status = c.slos().Get(ctx.get(), req, &resp);
  if (!status.ok())
    return c.report(status);
  if (fmt == output::table)
    std::cout << slo_table(resp);
  else
    print(slo_json(resp), fmt);
  return 0;
}

int status(client& c, output fmt, const std::string& id) {
  pb::SloStatusRequest req;
  req.set_tenant(c.options().tenant);
  req.set_id(id);
  pb::SloStatus resp;
  auto ctx = c.context();
  auto st = c.slos().Status(ctx.get(), req, &resp);
  if (!st.ok())
    return c.report(st);
  if (fmt == output::table)
    std::cout << slo_status_table(resp);
  else
    print(slo_status_json(resp), fmt);
  return 0;
}

int remove(client& c, output fmt, const std::string& id) {
  pb::DeleteSloRequest req;
  req.set_tenant(c.options().tenant);
  req.set_id(id);
  pb::DeleteSloResponse resp;
  auto ctx = c.context();
  auto st = c.slos().Delete(ctx.get(), req, &resp);
  if (!st.ok())
    return c.report(st);
  if (fmt == output::table)
    std::cout << "deleted SLO " << id << "\n";
  else
    print(json{{"deleted", id}}, fmt);
  return 0;
}

using id_action = int (*)(client&, output, const std::string&);

void add_id_command(CLI::App& slo, cli_state& st, const char* name, const char* help,
                    id_action act) {
  auto* cmd = slo.add_subcommand(name, help);
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "SLO id (metadata.name of its OpenSLO document)")->required();
  cmd->callback([&st, id, act] {
    st.action = [id, act](client& c, output fmt) { return act(c, fmt, *id); };
  });
}

} // namespace

void add_slo_commands(CLI::App& app, cli_state& st) {
  auto* slo = app.add_subcommand("slo", "the tenant's SLOs (OpenSLO v1) and their status");
  slo->require_subcommand(1);
  auto* cmd = slo->add_subcommand(
    "apply", "apply every SLO of an OpenSLO file (config/slo/example-slo.yaml format)");
  auto file = std::make_shared<std::string>();
  cmd->add_option("-f,--file", *file, "OpenSLO YAML file")->required()->check(CLI::ExistingFile);
  cmd->callback([&st, file] {
    st.action = [file](client& c, output fmt) { return apply(c, fmt, *file); };
  });
  slo->add_subcommand("list", "the tenant's SLOs")->callback([&st] {
    st.action = [](client& c, output fmt) { return list(c, fmt); };
  });
  add_id_command(*slo, st, "get", "show an SLO definition", get);
  add_id_command(*slo, st, "status", "evaluate an SLO now: SLI, error budget, burn rates",
                 status);
  add_id_command(*slo, st, "delete", "delete an SLO (its open incident stays open)", remove);
}

} // namespace tocsinctl
