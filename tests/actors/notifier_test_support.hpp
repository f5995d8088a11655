// Shared pieces of the notifier tests: an engine fixture with webhook-sink children, policies
// whose channels point at them, and helpers reading back pages and delivery outcomes (polling
// and HMAC checks come from support/). Test-only.
#pragma once

#include "actors/notification_record.hpp"
#include "actors/notifier.hpp"
#include "engine_fixture.hpp"
#include "support/eventually.hpp"
#include "support/webhook_sink.hpp"
#include "tools/webhook-sink/sink_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace tocsin::test {

using nlohmann::json;
using namespace std::chrono_literals;

inline domain::channel make_channel(std::string name, std::string url,
                                    domain::payload_format f = domain::payload_format::tocsin,
                                    std::string secret = {}, std::string routing_key = {}) {
  domain::channel c;
  c.name = std::move(name);
  c.url = std::move(url);
  c.format = f;
  c.secret = std::move(secret);
  c.routing_key = std::move(routing_key);
  return c;
}

/// Tenant "acme": every incident routes to runtime.operator, whose channels are `channels`
/// (all of them paged by step 1). No SLAs, so no timer ever adds a step behind the test's back.
inline domain::tenant_policy make_policy(const std::vector<domain::channel>& channels) {
  domain::tenant_policy p = domain::default_policy("acme");
  p.sla.clear();
  p.channels.clear();
  p.role_channels.clear();
  p.steps = {domain::step_def{0, ""}};
  p.repeat_interval = 0;
  p.max_repeats = 0;
  for (const auto& c : channels) {
    p.channels[c.name] = c;
    p.role_channels["runtime.operator"].push_back(c.name);
  }
  return p;
}

inline actors::notifier_options fast_retry_options() {
  actors::notifier_options o;
  o.backoff_base = 20ms;
  o.backoff_max = 200ms;
  o.attempt_timeout = 5s;
  o.poll_interval = 20ms;
  o.jitter_seed = 7;
  return o;
}

// The first EscalationStepTaken event that pages at least one channel.
inline const domain::envelope* paging_step(const std::vector<domain::envelope>& events) {
  for (const auto& e : events)
    if (const auto* s = std::get_if<domain::escalation_step_taken>(&e.payload))
      if (!s->step.channels.empty())
        return &e;
  return nullptr;
}

/// Opens a critical incident through the engine; makes sure a step paging `chs` was taken
/// (the incident actor takes it from the policy; failing that, the test escalates by hand).
/// Returns the incident id and the EscalationStepTaken event.
inline std::pair<std::string, domain::envelope> open_paged(engine_fixture& f,
                                                           const std::string& title,
                                                           const std::vector<std::string>& chs) {
  auto reply = f.eng->open(make_open(title, domain::severity::critical));
  REQUIRE(reply.ok());
  const std::string id = reply->state.id;
  if (const auto* step = paging_step(reply->events))
    return {id, *step};
  domain::escalate e;
  e.reason = domain::escalation_reason::manual;
  e.step = domain::escalation_step{
      static_cast<std::uint32_t>(reply->state.escalations.size() + 1), "runtime.operator", chs};
  e.by = "test";
  auto more = f.eng->execute(id, e);
  REQUIRE(more.ok());
  const auto* step = paging_step(more->events);
  REQUIRE(step != nullptr);
  return {id, *step};
}

/// Requests in the sink log carrying `key` as Idempotency-Key.
inline std::vector<json> with_key(const std::vector<json>& reqs, const std::string& key) {
  std::vector<json> out;
  for (const auto& r : reqs)
    if (r["headers"].value("Idempotency-Key", "") == key)
      out.push_back(r);
  return out;
}

inline const actors::channel_stats* stats_of(const std::vector<actors::channel_stats>& all,
                                             const std::string& channel) {
  for (const auto& s : all)
    if (s.channel == channel)
      return &s;
  return nullptr;
}

inline std::uint64_t delivered(const actors::notifier& n, const std::string& channel) {
  const auto all = n.stats();
  const auto* s = stats_of(all, channel);
  return s ? s->delivered : 0;
}

inline std::optional<actors::notification_record> stored_record(persistence::store& st,
                                                                 const std::string& id) {
  auto v = st.get(persistence::kv_db::notifications, id);
  REQUIRE(v.ok());
  if (!v->has_value())
    return std::nullopt;
  return actors::decode_record(**v);
}

/// The stored record's status; "" while there is none.
inline std::string stored_status(persistence::store& st, const std::string& id) {
  const auto r = stored_record(st, id);
  return r ? r->status : std::string();
}

} // namespace tocsin::test
