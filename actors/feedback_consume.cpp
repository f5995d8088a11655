// The feedback service's journal consumer: reads IncidentResolved from every partition of the
// incident journal from durable cursors ("<consumer>/<partition>" in kv_db::cursors), hands the
// items to the actor and advances the cursors only once the actor answered that all of them
// are durable. A crash before the cursor write re-reads the events; the topic's idempotency
// index turns the second creation into a duplicate.
#include "actors/feedback_impl.hpp"

#include "actors/messages.hpp"
#include "actors/notification_record.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <variant>

namespace tocsin::actors {
namespace {

using persistence::kv_db;
using persistence::kv_op;

// Errors a later retry can cure; anything else about one event will never get better.
bool transient(domain::errc code) {
  return code != domain::errc::not_found && code != domain::errc::corrupt_record &&
         code != domain::errc::invalid_argument;
}

// The incident as of `env` (a later reopen or note must not change what was resolved).
domain::result<domain::incident_state> state_at(persistence::store& st,
                                                const domain::envelope& env) {
  auto current = st.load_incident(env.aggregate_id);
  if (!current.ok() || current->version <= env.sequence)
    return current;
  auto events = st.read_events(env.aggregate_id, 1);
  if (!events.ok())
    return events.err();
  domain::incident_state s;
  for (const auto& e : *events) {
    if (e.sequence > env.sequence)
      break;
    s = domain::apply(std::move(s), e.payload);
  }
  return s;
}

} // namespace

domain::error feedback_service::impl::load_cursors() {
  const std::uint32_t parts = env->store.options().partitions;
  cursors.assign(parts, 0);
  for (std::uint32_t p = 0; p < parts; ++p) {
    auto v = env->store.get(kv_db::cursors, cursor_key(env->opts.consumer, p));
    if (!v.ok())
      return v.err();
    if (!v->has_value())
      continue;
    auto offset = decode_cursor(**v);
    if (!offset)
      return domain::make_error(domain::errc::corrupt_record,
                                "cursor " + cursor_key(env->opts.consumer, p) + " is not 8 bytes");
    cursors[p] = *offset;
  }
  return {};
}

void feedback_service::impl::consume_loop() {
  caf::scoped_actor self{env->sys};
  while (!stopping) {
    const std::uint64_t seen = env->store.commit_count();
    round_result r = round_result::failed;
    try {
      r = consume_round(self);
    } catch (const std::exception& e) {
      spdlog::error("feedback '{}': consuming the journal failed: {}", env->opts.consumer,
                    e.what());
    }
    switch (r) {
      case round_result::progressed: break;
      case round_result::idle: env->store.wait_for_commit(seen, env->opts.poll_interval); break;
      case round_result::failed:
        sleep_unless_stopped(std::max(env->opts.poll_interval, std::chrono::milliseconds(200)));
        break;
    }
  }
}

void feedback_service::impl::sleep_unless_stopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(stop_mu);
  stop_cv.wait_for(lock, d, [this] { return stopping.load(); });
}

feedback_service::impl::round_result
feedback_service::impl::consume_round(caf::scoped_actor& self) {
  auto& st = env->store;
  std::vector<domain::feedback_item> items;
  std::map<std::uint32_t, std::uint64_t> advanced;
  std::size_t events = 0;
  bool failed = false;
  const auto parts = static_cast<std::uint32_t>(cursors.size());
  std::uint32_t i = 0;
  for (; i < parts && events < env->opts.batch_events && !stopping; ++i) {
    const std::uint32_t p = (first_partition + i) % parts;
    if (st.partition_end(p) <= cursors[p])
      continue;
    auto recs = st.read_partition(p, cursors[p], env->opts.batch_events - events);
    if (!recs.ok()) {
      spdlog::warn("feedback '{}': reading partition {} failed: {}", env->opts.consumer, p,
                   recs.err().message);
      failed = true;
      continue;
    }
    for (const auto& rec : *recs) {
      if (std::holds_alternative<domain::incident_resolved>(rec.env.payload)) {
        auto s = state_at(st, rec.env);
        auto it = s.ok() ? domain::from_resolved_incident(*s, env->clk.now())
                         : domain::result<domain::feedback_item>(s.err());
        if (!it.ok() && transient(it.err().code)) {
          spdlog::warn("feedback '{}': incident {}: {}", env->opts.consumer,
                       rec.env.aggregate_id, it.err().message);
          failed = true;
          break; // this partition resumes at this record next round
        }
        if (it.ok())
          items.push_back(std::move(*it));
        else
          spdlog::error("feedback '{}': event {} skipped: {}", env->opts.consumer,
                        rec.env.event_id, it.err().message);
      }
      advanced[p] = rec.offset + 1;
      ++events;
    }
  }
  first_partition = parts == 0 ? 0 : (first_partition + i) % parts;
  if (advanced.empty())
    return failed ? round_result::failed : round_result::idle;

  if (!items.empty()) {
    const auto n = items.size();
    domain::error err;
    self->request(actor, std::chrono::seconds(60), feedback_atom::value, std::move(items))
      .receive([] {}, [&](caf::error& e) { err = from_caf_error(e); });
    if (err.code != domain::errc::ok) {
      spdlog::warn("feedback '{}': creating {} items failed: {}", env->opts.consumer, n,
                   err.message);
      return round_result::failed; // the same events are read again
    }
    env->counters.resolved.fetch_add(n, std::memory_order_relaxed);
  }
  std::vector<kv_op> ops;
  for (const auto& [p, offset] : advanced)
    ops.push_back({kv_db::cursors, kv_op::put, cursor_key(env->opts.consumer, p),
                   encode_cursor(offset)});
  if (auto err = st.write_sync(std::move(ops)); err.code != domain::errc::ok) {
    spdlog::warn("feedback '{}': writing cursors failed: {}", env->opts.consumer, err.message);
    return round_result::failed;
  }
  for (const auto& [p, offset] : advanced)
    cursors[p] = offset;
  return failed ? round_result::failed : round_result::progressed;
}

} // namespace tocsin::actors
