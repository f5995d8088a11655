// Breach edges of an slo_actor to the incident router: a breach or repeat is an open with
// source slo / source_id the SLO id (the router's dedup folds it into the open incident as
// SignalRepeated), a recovery is a note on the incident if it is still open. The tracker state
// is persisted once the router has answered, so a crash before that re-signals (and dedup
// absorbs it) rather than forgetting a breach.
#include "actors/messages.hpp"
#include "actors/notify_envelope_json.hpp"
#include "actors/slo_actor_impl.hpp"
#include "domain/dedup.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tocsin::actors {

std::string breach_title(const domain::slo_definition& d, const domain::breach_signal& s) {
  std::string title = "SLO " + d.id;
  if (!d.name.empty() && d.name != d.id)
    title += " (" + d.name + ")";
  title += " is burning its error budget:";
  for (std::size_t i = 0; i < s.conditions.size(); ++i)
    title += (i == 0 ? " " : ", ") + s.conditions[i];
  return title;
}

namespace slo_detail {

namespace {

bool same(const domain::breach_state& a, const domain::breach_state& b) {
  return a.breaching == b.breaching && a.since == b.since && a.last_notified == b.last_notified
         && a.notified_severity == b.notified_severity;
}

domain::open_incident open_command(const domain::slo_definition& d,
                                   const domain::breach_signal& sig) {
  domain::open_incident o;
  o.tenant = d.tenant;
  o.title = breach_title(d, sig);
  o.sev = sig.severity;
  o.source = domain::incident_source::slo;
  o.source_id = d.id;
  o.cat = domain::category::reliability;
  o.exemplars = sig.exemplars;
  if (o.exemplars.size() > domain::max_exemplars)
    o.exemplars.resize(domain::max_exemplars);
  if (!o.exemplars.empty()) {
    const auto& e = o.exemplars.front();
    o.attr = {e.artifact_id, e.agent_id, e.skill_id, e.trace_id};
  }
  o.by = "slo:" + d.id;
  return o;
}

void signal_breach(self_ptr self, const domain::breach_signal& sig,
                   const domain::breach_state& before) {
  auto& st = self->state;
  const auto& d = st.slo.definition;
  auto& counters = *st.cfg.counters;
  (sig.edge == domain::breach_edge::breached ? counters.breaches : counters.repeats)
    .fetch_add(1, std::memory_order_relaxed);
  const auto after = st.tracker.state();
  const std::string edge{domain::to_string(sig.edge)};
  self->request(st.cfg.router, caf::infinite, open_atom::value, open_command(d, sig))
    .then(
      [self, edge](command_reply& r) {
        auto& s = self->state;
        s.incident_id = r.state.id;
        persist_state(self);
        spdlog::info("SLO {}/{} {}: incident {} {} (occurrences {})", s.slo.definition.tenant,
                     s.slo.definition.id, edge, r.state.id,
                     r.deduplicated ? "repeated" : "opened", r.state.occurrences);
      },
      [self, before, after, edge](caf::error& err) {
        auto& s = self->state;
        s.cfg.counters->signal_failures.fetch_add(1, std::memory_order_relaxed);
        // Forget the edge so the next evaluation signals it again (unless newer edges exist).
        if (same(s.tracker.state(), after))
          s.tracker = domain::breach_tracker{s.cfg.renotify, before};
        spdlog::warn("SLO {}/{} {}: the incident router refused the signal ({}); retrying on "
                     "the next evaluation", s.slo.definition.tenant, s.slo.definition.id, edge,
                     from_caf_error(err).message);
      });
}

void note_recovery(self_ptr self, const domain::breach_signal& sig) {
  auto& st = self->state;
  const auto& d = st.slo.definition;
  st.cfg.counters->recoveries.fetch_add(1, std::memory_order_relaxed);
  persist_state(self);
  const auto when = rfc3339_ms(sig.at);
  spdlog::info("SLO {}/{} recovered at {} (breaching since {})", d.tenant, d.id, when,
               rfc3339_ms(sig.since));
  // Only an incident still open gets the note: a resolved one belongs to its post-mortem.
  auto open =
    st.cfg.store->find_open(domain::dedup_key{d.tenant, domain::incident_source::slo, d.id});
  if (!open.ok() || !*open)
    return;
  domain::incident_command note =
    domain::add_note{"SLO " + d.id + " recovered at " + when, "slo:" + d.id};
  const auto id = **open;
  self->request(st.cfg.router, caf::infinite, command_atom::value, id, std::move(note),
                std::uint64_t{0})
    .then([](command_reply&) {},
          [id](caf::error& err) {
            spdlog::warn("cannot note the recovery on incident {}: {}", id,
                         from_caf_error(err).message);
          });
}

} // namespace

void on_signal(self_ptr self, const domain::breach_signal& sig,
               const domain::breach_state& before) {
  if (sig.edge == domain::breach_edge::recovered)
    note_recovery(self, sig);
  else
    signal_breach(self, sig, before);
}

void persist_state(self_ptr self) {
  auto& st = self->state;
  const auto& d = st.slo.definition;
  persistence::stored_slo_state state{st.tracker.state(), st.incident_id};
  std::vector<persistence::kv_op> ops{{persistence::kv_db::definitions, persistence::kv_op::put,
                                       persistence::slo_state_key(d.tenant, d.id),
                                       persistence::encode_slo_state(state)}};
  st.cfg.store->write(std::move(ops), [tenant = d.tenant, id = d.id](domain::error err) {
    if (err.code != domain::errc::ok)
      spdlog::warn("cannot persist the breach state of SLO {}/{}: {}", tenant, id, err.message);
  });
}

} // namespace slo_detail
} // namespace tocsin::actors
