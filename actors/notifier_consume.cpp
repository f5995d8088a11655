// The notifier's consumer thread: reads new journal records from its durable cursors, decides
// the notifications they cause, renders each body once and writes the records together with
// the advanced cursors in one transaction; only then are they handed to delivery.
#include "actors/notifier_impl.hpp"

#include "domain/policy.hpp"

#include <spdlog/spdlog.h>

#include <variant>

namespace tocsin::actors {
namespace {

using persistence::kv_db;
using persistence::kv_op;

// Mirrors domain::notifications_for: only these events notify. Checking first spares loading
// the incident for every other event (opens, notes, repeats — the bulk of the journal).
bool may_notify(const domain::envelope& env) {
  const auto& p = env.payload;
  return std::holds_alternative<domain::escalation_step_taken>(p)
         || std::holds_alternative<domain::incident_acknowledged>(p)
         || std::holds_alternative<domain::on_call_engaged>(p)
         || std::holds_alternative<domain::incident_resolved>(p);
}

notification_record make_record(const domain::envelope& env, const domain::incident_state& s,
                                const domain::notification& n, const domain::channel& ch,
                                const payload_options& opts) {
  notification_record r;
  r.id = n.id;
  r.tenant = env.tenant;
  r.channel = n.channel;
  r.url = ch.url;
  r.format = std::string(domain::to_string(ch.format));
  r.kind = n.kind;
  r.incident_id = n.incident_id;
  r.event_id = n.event_id;
  r.event_type = env.type;
  r.body = render_payload(env, s, n, ch, opts);
  r.status = "pending";
  r.created_at = rfc3339_ms(wall_now());
  return r;
}

} // namespace

void notifier::impl::consume_loop() {
  journal_.run([this] { return consume_round(); });
}

journal_consumer::round_result notifier::impl::consume_round() {
  batch b;
  auto read = journal_.read([&](const persistence::journal_record& rec) {
    return record_notifications(rec, b);
  });
  if (read.advanced.empty())
    return read.nothing_read();
  const auto n = b.records.size();
  if (auto err = journal_.commit(read.advanced, std::move(b.ops)); err.code != domain::errc::ok) {
    spdlog::warn("notifier '{}': recording {} notifications failed ({}): {}", opts_.consumer, n,
                 domain::to_string(err.code), err.message);
    return journal_consumer::round_result::failed; // the same records are read again
  }
  hand_over(std::move(b.records));
  return read.committed();
}

bool notifier::impl::record_notifications(const persistence::journal_record& rec, batch& b) {
  const domain::envelope& env = rec.env;
  if (!may_notify(env))
    return true;
  // As of the event: what the body reports (status, steps so far) and whom an acknowledge or
  // resolve reaches.
  auto state = incident_state_at(store_, env);
  if (!state.ok()) {
    if (retry_may_cure(state.err().code)) {
      spdlog::warn("notifier '{}': loading incident {} failed: {}", opts_.consumer,
                   env.aggregate_id, state.err().message);
      return false;
    }
    // Skipping is the only way past a record that can never be read; leave a trace of it.
    spdlog::error("notifier '{}': event {} skipped: {}", opts_.consumer, env.event_id,
                  state.err().message);
    b.ops.push_back({kv_db::dead_letters, kv_op::put, "notify-event/" + env.event_id,
                     encode_event_dead_letter(env.event_id, env.aggregate_id,
                                              state.err().message)});
    return true;
  }
  const auto policy = policies_.get(env.tenant);
  std::vector<kv_op> ops;
  std::vector<notification_record> records;
  for (const auto& n : domain::notifications_for(*policy, env, *state)) {
    if (b.ids.count(n.id) != 0)
      continue;
    // Present already: this event was recorded before (a cursor behind its records, or a
    // replay). Delivered or dead stays so; pending is queued since start().
    auto existing = store_.get(kv_db::notifications, n.id);
    if (!existing.ok()) {
      spdlog::warn("notifier '{}': reading notification {} failed: {}", opts_.consumer, n.id,
                   existing.err().message);
      return false;
    }
    if (existing->has_value())
      continue;
    auto ch = policy->channels.find(n.channel);
    if (ch == policy->channels.end())
      continue; // notifications_for only names channels of the policy; be safe anyway
    auto r = make_record(env, *state, n, ch->second, payload_);
    ops.push_back({kv_db::notifications, kv_op::put, r.id, encode_record(r)});
    ops.push_back({kv_db::notifications, kv_op::put, pending_key(r.id), std::string()});
    records.push_back(std::move(r));
  }
  for (auto& op : ops)
    b.ops.push_back(std::move(op));
  for (auto& r : records) {
    b.ids.insert(r.id);
    b.records.push_back(std::move(r));
  }
  return true;
}

} // namespace tocsin::actors
