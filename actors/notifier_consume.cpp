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

// Errors a later retry can cure; anything else about one event will never get better.
bool transient(domain::errc code) {
  return code != domain::errc::not_found && code != domain::errc::corrupt_record
         && code != domain::errc::invalid_argument;
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
  while (!stopping_) {
    // Read before the round: a commit landing during the round must wake the next wait.
    const std::uint64_t seen = store_.commit_count();
    round_result r = round_result::failed;
    try {
      r = consume_round();
    } catch (const std::exception& e) {
      // Nothing may escape the thread: log, back off, and read the same records again.
      spdlog::error("notifier '{}': consuming the journal failed: {}", opts_.consumer, e.what());
    }
    switch (r) {
    case round_result::progressed:
      break; // more may be waiting behind a full batch
    case round_result::idle:
      store_.wait_for_commit(seen, opts_.poll_interval);
      break;
    case round_result::failed:
      sleep_unless_stopped(std::max(opts_.poll_interval, std::chrono::milliseconds(200)));
      break;
    }
  }
}

void notifier::impl::sleep_unless_stopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(stop_mu_);
  stop_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

notifier::impl::round_result notifier::impl::consume_round() {
  batch b;
  bool failed = false;
  const auto parts = static_cast<std::uint32_t>(cursors_.size());
  std::uint32_t i = 0;
  for (; i < parts && b.events < opts_.batch_events && !stopping_; ++i) {
    const std::uint32_t p = (first_partition_ + i) % parts;
    if (store_.partition_end(p) <= cursors_[p])
      continue;
    auto recs = store_.read_partition(p, cursors_[p], opts_.batch_events - b.events);
    if (!recs.ok()) {
      spdlog::warn("notifier '{}': reading partition {} failed: {}", opts_.consumer, p,
                   recs.err().message);
      failed = true;
      continue;
    }
    for (const auto& rec : *recs) {
      if (!record_notifications(rec, b)) {
        failed = true;
        break; // this partition resumes at this record next round
      }
      b.cursors[p] = rec.offset + 1;
      ++b.events;
    }
  }
  // A full batch ends the round early: start the next one where this one stopped.
  first_partition_ = parts == 0 ? 0 : (first_partition_ + i) % parts;
  if (b.cursors.empty())
    return failed ? round_result::failed : round_result::idle;

  for (const auto& [p, offset] : b.cursors)
    b.ops.push_back({kv_db::cursors, kv_op::put, cursor_key(opts_.consumer, p),
                     encode_cursor(offset)});
  if (auto err = store_.write_sync(std::move(b.ops)); err.code != domain::errc::ok) {
    spdlog::warn("notifier '{}': recording {} notifications failed ({}): {}", opts_.consumer,
                 b.records.size(), domain::to_string(err.code), err.message);
    return round_result::failed; // nothing was written; the same records are read again
  }
  for (const auto& [p, offset] : b.cursors)
    cursors_[p] = offset;
  hand_over(std::move(b.records));
  return failed ? round_result::failed : round_result::progressed;
}

bool notifier::impl::record_notifications(const persistence::journal_record& rec, batch& b) {
  const domain::envelope& env = rec.env;
  if (!may_notify(env))
    return true;
  auto state = state_at(env);
  if (!state.ok()) {
    if (transient(state.err().code)) {
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

// The incident as of `env`: what the body reports (status, steps so far) and whom an
// acknowledge or resolve reaches. The current state is that state unless later events exist.
domain::result<domain::incident_state> notifier::impl::state_at(const domain::envelope& env) {
  auto current = store_.load_incident(env.aggregate_id);
  if (!current.ok() || current->version <= env.sequence)
    return current;
  auto events = store_.read_events(env.aggregate_id, 1);
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

} // namespace tocsin::actors
