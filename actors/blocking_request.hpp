// Blocking requests for code outside the actor system's workers (the engine's and the SLO
// runtime's helpers for tools, tocsind start-up and tests): one scoped actor per call, no
// timeout, the reply or the error as a domain result. Never call from an actor (it would block
// a worker). Thread-safe.
#pragma once

#include "actors/messages.hpp"
#include "domain/error.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <optional>
#include <utility>

namespace tocsin::actors {

/// Sends `xs` to `dest` and waits for a reply of type T.
template <class T, class... Ts>
domain::result<T> blocking_request(caf::actor_system& sys, const caf::actor& dest, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<domain::result<T>> out;
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
    .receive([&](T& reply) { out.emplace(std::move(reply)); },
             [&](caf::error& err) { out.emplace(from_caf_error(err)); });
  return std::move(*out);
}

/// Sends `xs` to `dest` and waits for a caf::unit reply (it arrives as an empty message).
template <class... Ts>
domain::error blocking_request_unit(caf::actor_system& sys, const caf::actor& dest, Ts&&... xs) {
  caf::scoped_actor self{sys};
  domain::error out;
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
    .receive([] {}, [&](caf::error& err) { out = from_caf_error(err); });
  return out;
}

} // namespace tocsin::actors
