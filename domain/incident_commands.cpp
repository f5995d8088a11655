// Verbs of the incident commands: the vocabulary of refusal messages, allowed_moves and the CLI.
#include "domain/incident_commands.hpp"

namespace tocsin::domain {
namespace {

std::string_view verb(const open_incident&) { return "open"; }
std::string_view verb(const acknowledge&) { return "acknowledge"; }
std::string_view verb(const begin_investigation&) { return "investigate"; }
std::string_view verb(const apply_mitigation&) { return "mitigate"; }
std::string_view verb(const escalate&) { return "escalate"; }
std::string_view verb(const engage_on_call&) { return "engage"; }
std::string_view verb(const resolve&) { return "resolve"; }
std::string_view verb(const add_note&) { return "note"; }
std::string_view verb(const repeat_signal&) { return "repeat"; }

} // namespace

std::string_view command_name(const incident_command& cmd) {
  return std::visit([](const auto& c) { return verb(c); }, cmd);
}

} // namespace tocsin::domain
