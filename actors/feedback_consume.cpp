// The feedback service's journal consumer: reads IncidentResolved from every partition of the
// incident journal from durable cursors ("<consumer>/<partition>" in kv_db::cursors), hands the
// items to the actor and advances the cursors only once the actor answered that all of them
// are durable. A crash before the cursor write re-reads the events; the topic's idempotency
// index turns the second creation into a duplicate.
#include "actors/feedback_impl.hpp"

#include "actors/messages.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <variant>

namespace tocsin::actors {

void feedback_service::impl::consume_loop() {
  caf::scoped_actor self{env->sys};
  journal.run([&] { return consume_round(self); });
}

journal_consumer::round_result feedback_service::impl::consume_round(caf::scoped_actor& self) {
  std::vector<domain::feedback_item> items;
  auto read = journal.read([&](const persistence::journal_record& rec) {
    if (!std::holds_alternative<domain::incident_resolved>(rec.env.payload))
      return true;
    // As of the event: a later reopen or note must not change what was resolved.
    auto s = incident_state_at(env->store, rec.env);
    auto it = s.ok() ? domain::from_resolved_incident(*s, env->clk.now())
                     : domain::result<domain::feedback_item>(s.err());
    if (!it.ok() && retry_may_cure(it.err().code)) {
      spdlog::warn("feedback '{}': incident {}: {}", env->opts.consumer, rec.env.aggregate_id,
                   it.err().message);
      return false;
    }
    if (it.ok())
      items.push_back(std::move(*it));
    else
      spdlog::error("feedback '{}': event {} skipped: {}", env->opts.consumer, rec.env.event_id,
                    it.err().message);
    return true;
  });
  if (read.advanced.empty())
    return read.nothing_read();

  if (!items.empty()) {
    const auto n = items.size();
    domain::error err;
    self->request(actor, std::chrono::seconds(60), feedback_atom::value, std::move(items))
      .receive([] {}, [&](caf::error& e) { err = from_caf_error(e); });
    if (err.code != domain::errc::ok) {
      spdlog::warn("feedback '{}': creating {} items failed: {}", env->opts.consumer, n,
                   err.message);
      return journal_consumer::round_result::failed; // the same events are read again
    }
    env->counters.resolved.fetch_add(n, std::memory_order_relaxed);
  }
  if (auto err = journal.commit(read.advanced); err.code != domain::errc::ok) {
    spdlog::warn("feedback '{}': writing cursors failed: {}", env->opts.consumer, err.message);
    return journal_consumer::round_result::failed;
  }
  return read.committed();
}

} // namespace tocsin::actors
