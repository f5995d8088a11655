// Bridges domain errors to caf::error and registers Tocsin's message types with CAF.
#include "actors/messages.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

namespace tocsin::actors {

caf::error to_caf_error(const domain::error& err) {
  return caf::error{static_cast<std::uint8_t>(err.code), error_category,
                    caf::make_message(err.message)};
}

domain::error from_caf_error(const caf::error& err) {
  if (err.category() == error_category) {
    std::string msg;
    const auto& ctx = err.context();
    if (ctx.size() == 1 && ctx.match_element<std::string>(0))
      msg = ctx.get_as<std::string>(0);
    return {static_cast<domain::errc>(err.code()), std::move(msg)};
  }
  return {domain::errc::unavailable, "actor system: " + caf::to_string(err)};
}

void add_message_types(caf::actor_system_config& cfg) {
  // The message types themselves are local-only (CAF_ALLOW_UNSAFE_MESSAGE_TYPE in
  // messages.hpp); what CAF needs from us is a readable rendering of our error category.
  cfg.add_error_category(error_category,
                         [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
                           std::string out{domain::to_string(static_cast<domain::errc>(code))};
                           if (ctx.size() == 1 && ctx.match_element<std::string>(0))
                             out += ": " + ctx.get_as<std::string>(0);
                           return out;
                         });
}

} // namespace tocsin::actors
