// The feedback service's life cycle, runtime signals and counters; see feedback.hpp.
#include "actors/feedback_impl.hpp"

#include "persistence/feedback_codec.hpp"
#include "persistence/feedback_index.hpp"
#include "persistence/scan_all.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tocsin::actors {

void append_tracker::begin() {
  std::lock_guard<std::mutex> lock(mu);
  ++outstanding;
}

void append_tracker::end() {
  std::lock_guard<std::mutex> lock(mu);
  --outstanding;
  cv.notify_all();
}

bool append_tracker::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu);
  return cv.wait_for(lock, timeout, [this] { return outstanding == 0; });
}

domain::result<quality_map> load_quality(persistence::store& st) {
  quality_map out;
  auto each = [&](const std::string& k, const std::string& v) {
    auto state = persistence::decode_quality(v);
    if (!state.ok() || !persistence::parse_quality_key(k))
      return domain::make_error(domain::errc::corrupt_record,
                                "quality state '" + k + "' cannot be read");
    out.emplace(k, domain::quality_accumulator(*state));
    return domain::error{};
  };
  auto err = persistence::scan_all(st, persistence::kv_db::topics, persistence::quality_prefix(""),
                                   each);
  if (err.code != domain::errc::ok)
    return err;
  return out;
}

void log_invalid_signal(std::uint64_t n, const std::string& tenant, const domain::error& err) {
  if (n <= 10 || (n & (n - 1)) == 0)
    spdlog::warn("feedback: invalid runtime signal of tenant '{}' (#{}): {}", tenant, n,
                 err.message);
}

feedback_service::feedback_service(caf::actor_system& sys, persistence::store& st,
                                   persistence::topic_log& feedback_topic,
                                   const domain::clock& clk, feedback_options opts)
  : impl_(std::make_shared<impl>(
      std::make_shared<feedback_env>(sys, st, feedback_topic, clk, std::move(opts)))) {}

feedback_service::~feedback_service() { stop(); }

domain::error feedback_service::start() {
  auto& m = *impl_;
  std::lock_guard<std::mutex> lock(m.life_mu);
  if (m.running)
    return {};
  auto quality = load_quality(m.env->store);
  if (!quality.ok())
    return quality.err();
  if (auto err = m.journal.load(); err.code != domain::errc::ok)
    return err;
  spdlog::info("feedback: {} quality scores loaded", quality->size());
  m.actor = spawn_feedback_actor(m.env, std::move(*quality));
  m.journal.reset_stop();
  m.consumer = std::thread([&m] { m.consume_loop(); });
  m.accepting = true;
  m.running = true;
  return {};
}

void feedback_service::stop() {
  auto& m = *impl_;
  std::lock_guard<std::mutex> lock(m.life_mu);
  if (!m.running)
    return;
  m.accepting = false;
  m.journal.request_stop();
  if (m.consumer.joinable())
    m.consumer.join();
  if (!m.env->appends.wait_idle(std::chrono::seconds(10)))
    spdlog::warn("feedback: stopping with appends still in flight");
  // A plain message, not an exit: the answers of appends queued before it are handled first.
  caf::scoped_actor self{m.env->sys};
  caf::anon_send(m.actor, fb_stop_atom::value);
  self->wait_for(m.actor);
  m.running = false;
}

const caf::actor& feedback_service::actor() const { return impl_->actor; }

void feedback_service::signals(const std::string& tenant, std::vector<domain::span_record> spans,
                               std::vector<domain::log_record> logs) {
  auto& m = *impl_;
  if (!m.accepting)
    return;
  auto& c = m.env->counters;
  const auto now = m.env->clk.now();
  std::vector<domain::feedback_item> items;
  std::vector<error_observation> errors;
  auto take = [&](domain::result<domain::feedback_item> it) {
    c.signals.fetch_add(1, std::memory_order_relaxed);
    if (it.ok())
      items.push_back(std::move(*it));
    else
      log_invalid_signal(c.invalid_signals.fetch_add(1, std::memory_order_relaxed) + 1, tenant,
                         it.err());
  };
  for (auto& s : spans) {
    if (!s.feedback_category.empty()) {
      take(domain::from_span_signal(tenant, s, now));
    } else if (s.is_error() && !s.artifact_id.empty()) {
      const auto at = s.end_unix_nano ? s.end_unix_nano : s.start_unix_nano;
      errors.push_back({std::move(s.artifact_id), std::move(s.agent_id), std::move(s.skill_id),
                        domain::is_zero(s.trace_id) ? std::string() : domain::to_hex(s.trace_id),
                        static_cast<domain::timestamp>(at)});
    }
  }
  for (const auto& r : logs)
    if (!r.feedback_category.empty())
      take(domain::from_log_signal(tenant, r, now));
  c.error_spans.fetch_add(errors.size(), std::memory_order_relaxed);
  if (!items.empty())
    caf::anon_send(m.actor, feedback_atom::value, std::move(items));
  if (!errors.empty())
    caf::anon_send(m.actor, fb_fold_atom::value, tenant, std::move(errors));
}

feedback_stats feedback_service::stats() const {
  const auto& c = impl_->env->counters;
  auto get = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  feedback_stats s;
  s.created = get(c.created);
  s.duplicates = get(c.duplicates);
  s.failed = get(c.failed);
  s.signals = get(c.signals);
  s.invalid_signals = get(c.invalid_signals);
  s.error_spans = get(c.error_spans);
  s.folds = get(c.folds);
  s.resolved = get(c.resolved);
  s.quality_updates = get(c.quality_updates);
  return s;
}

} // namespace tocsin::actors
