// tocsinctl's command tree: each noun registers its subcommands on the CLI11 app and, when one
// of them is parsed, sets the action main() runs. CLI-only code, single-threaded.
#pragma once

#include "client.hpp"
#include "render.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace tocsinctl {

struct cli_state {
  connection_options conn;
  std::string output_name = "table";
  /// Set by the parsed subcommand's callback; returns the exit code.
  std::function<int(client&, tocsinctl::output)> action;
};

void add_incident_commands(CLI::App& app, cli_state& st);
void add_event_commands(CLI::App& app, cli_state& st);
void add_admin_commands(CLI::App& app, cli_state& st);
void add_policy_commands(CLI::App& app, cli_state& st);
void add_deadletter_commands(CLI::App& app, cli_state& st);
void add_slo_commands(CLI::App& app, cli_state& st);
/// `feedback list|get` and `quality list` (commands_feedback.cpp).
void add_feedback_commands(CLI::App& app, cli_state& st);
/// `subscribe TOPIC --consumer NAME` (commands_subscribe.cpp).
void add_subscribe_command(CLI::App& app, cli_state& st);
/// `admin delivery`, registered on the `admin` subcommand.
void add_admin_delivery_command(CLI::App& admin, cli_state& st);

/// `by` for the audit timeline when --by is not given: $USER, else "tocsinctl".
std::string default_actor();

} // namespace tocsinctl
