// Journal consumer rounds and cursors: see journal_consumer.hpp.
#include "actors/journal_consumer.hpp"

#include "actors/notification_record.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace tocsin::actors {

using persistence::kv_db;
using persistence::kv_op;

domain::result<std::vector<std::uint64_t>>
load_cursors(persistence::store& st, const std::string& consumer, std::uint32_t partitions) {
  std::vector<std::uint64_t> cursors(partitions, 0);
  for (std::uint32_t p = 0; p < partitions; ++p) {
    const auto key = cursor_key(consumer, p);
    auto v = st.get(kv_db::cursors, key);
    if (!v.ok())
      return v.err();
    if (!v->has_value())
      continue; // never committed: start at the beginning of the partition
    auto offset = decode_cursor(**v);
    if (!offset)
      return domain::make_error(domain::errc::corrupt_record, "cursor " + key + " is not 8 bytes");
    cursors[p] = *offset;
  }
  return cursors;
}

kv_op cursor_put(const std::string& consumer, std::uint32_t partition, std::uint64_t offset) {
  return {kv_db::cursors, kv_op::put, cursor_key(consumer, partition), encode_cursor(offset)};
}

domain::result<domain::incident_state> incident_state_at(persistence::store& st,
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

bool retry_may_cure(domain::errc code) {
  return code != domain::errc::not_found && code != domain::errc::corrupt_record
         && code != domain::errc::invalid_argument;
}

journal_consumer::journal_consumer(persistence::store& st, journal_consumer_options opts)
  : store_(st), opts_(std::move(opts)) {}

domain::error journal_consumer::load() {
  auto c = load_cursors(store_, opts_.consumer, store_.options().partitions);
  if (!c.ok())
    return c.err();
  cursors_ = std::move(*c);
  return {};
}

void journal_consumer::request_stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

void journal_consumer::sleep_unless_stopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(stop_mu_);
  stop_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void journal_consumer::run(const std::function<round_result()>& round) {
  while (!stopping_) {
    // Read before the round: a commit landing during the round must wake the next wait.
    const std::uint64_t seen = store_.commit_count();
    round_result r = round_result::failed;
    try {
      r = round();
    } catch (const std::exception& e) {
      // Nothing may escape the thread: log, back off, and read the same records again.
      spdlog::error("{} '{}': consuming the journal failed: {}", opts_.log_name, opts_.consumer,
                    e.what());
    }
    if (r == round_result::idle)
      store_.wait_for_commit(seen, opts_.poll_interval);
    else if (r == round_result::failed)
      sleep_unless_stopped(std::max(opts_.poll_interval, std::chrono::milliseconds(200)));
  }
}

journal_consumer::batch journal_consumer::read(const record_handler& handle) {
  batch b;
  const std::size_t limit = std::max<std::size_t>(opts_.batch_events, 1);
  std::size_t events = 0;
  const auto parts = static_cast<std::uint32_t>(cursors_.size());
  std::uint32_t i = 0;
  for (; i < parts && events < limit && !stopping_; ++i) {
    const std::uint32_t p = (first_partition_ + i) % parts;
    if (store_.partition_end(p) <= cursors_[p])
      continue;
    auto recs = store_.read_partition(p, cursors_[p], limit - events);
    if (!recs.ok()) {
      spdlog::warn("{} '{}': reading partition {} failed: {}", opts_.log_name, opts_.consumer, p,
                   recs.err().message);
      b.failed = true;
      continue;
    }
    for (const auto& rec : *recs) {
      if (!handle(rec)) {
        b.failed = true;
        break; // this partition resumes at this record next round
      }
      b.advanced[p] = rec.offset + 1;
      ++events;
    }
  }
  // A full batch ends the round early: start the next one where this one stopped.
  first_partition_ = parts == 0 ? 0 : (first_partition_ + i) % parts;
  return b;
}

domain::error journal_consumer::commit(const advance_map& advanced, std::vector<kv_op> ops) {
  for (const auto& [p, offset] : advanced)
    ops.push_back(cursor_put(opts_.consumer, p, offset));
  if (auto err = store_.write_sync(std::move(ops)); err.code != domain::errc::ok)
    return err;
  for (const auto& [p, offset] : advanced)
    cursors_[p] = offset;
  return {};
}

} // namespace tocsin::actors
