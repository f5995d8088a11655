// Edge-triggering of SLO breaches: turns the stream of evaluations of one SLO into SloBreached
// (healthy -> breaching), repeats while it lasts (at most one per re-notify interval) and
// SloRecovered (breaching -> healthy). Pure state machine; one per SLO, owned by its slo_actor.
//
// An unknown (stale) evaluation changes nothing and emits nothing: an open breach is held (no
// recovery is claimed from missing data, and no repeat either, since we cannot tell it still
// breaches); a healthy SLO stays healthy until data says otherwise.
#pragma once

#include "domain/burn_rate.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace tocsin::domain {

enum class breach_edge : std::uint8_t { breached, repeat, recovered };
std::string_view to_string(breach_edge e);

struct breach_signal {
  breach_edge edge = breach_edge::breached;
  domain::severity severity = domain::severity::high; // breached/repeat: most severe firing
  std::vector<std::string> conditions;                // names of the firing conditions
  std::vector<exemplar> exemplars;                    // of the breaching window
  timestamp at = 0;
  timestamp since = 0;                                 // start of this breach
};

/// What the tracker remembers; persisted by its owner so a restart neither re-opens nor forgets.
struct breach_state {
  bool breaching = false;
  timestamp since = 0;
  timestamp last_notified = 0;
  domain::severity notified_severity = domain::severity::info;
};

class breach_tracker {
public:
  /// `renotify` <= 0: never repeat.
  explicit breach_tracker(duration renotify, breach_state state = {})
      : renotify_(renotify), state_(state) {}

  /// A repeat is due every `renotify`, and at once when the breach became more severe than
  /// last notified (a ticket that turned into a page must not wait).
  std::optional<breach_signal> observe(const slo_status& s, timestamp now);

  const breach_state& state() const { return state_; }

private:
  duration renotify_;
  breach_state state_;
};

} // namespace tocsin::domain
