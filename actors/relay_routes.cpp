#include "actors/relay_routes.hpp"

#include "actors/notify_envelope_json.hpp"
#include "persistence/feedback_codec.hpp"
#include "persistence/governance_codec.hpp"

#include <nlohmann/json.hpp>

namespace tocsin::actors {

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string feedback_json(const domain::feedback_item& it) {
  return dump({{"id", it.id},
               {"tenant", it.tenant},
               {"source", std::string(domain::to_string(it.source))},
               {"source_id", it.source_id},
               {"category", std::string(domain::to_string(it.cat))},
               {"sentiment", std::string(domain::to_string(it.sent))},
               {"summary", it.summary},
               {"artifact_id", it.artifact_id},
               {"agent_id", it.agent_id},
               {"skill_id", it.skill_id},
               {"trace_id", it.trace_id},
               {"created_at", rfc3339_ms(it.created_at)}});
}

std::string governance_json(const domain::governance_handoff& h) {
  return dump({{"id", h.id},
               {"tenant", h.tenant},
               {"kind", h.kind},
               {"subject", h.subject},
               {"summary", h.summary},
               {"amount", h.amount},
               {"threshold", h.threshold},
               {"incident_id", h.incident_id},
               {"channel", h.channel},
               {"window_start", rfc3339_ms(h.window_start)},
               {"at", rfc3339_ms(h.at)}});
}

relay_render feedback_render() {
  return [](const persistence::topic_record& rec) -> domain::result<relay_message> {
    auto it = persistence::decode_feedback(rec.value);
    if (!it.ok())
      return it.err();
    return relay_message{it->id, it->tenant, feedback_json(*it), "FeedbackItemCreated"};
  };
}

relay_render governance_render() {
  return [](const persistence::topic_record& rec) -> domain::result<relay_message> {
    auto h = persistence::decode_governance(rec.value);
    if (!h.ok())
      return h.err();
    return relay_message{h->id, h->tenant, governance_json(*h), "GovernanceHandoff"};
  };
}

relay_resolve fixed_target(std::string url, std::string secret, std::string channel) {
  return [t = relay_target{std::move(url), std::move(secret), std::move(channel)}](
           const relay_message&) -> domain::result<relay_target> { return t; };
}

relay_resolve governance_target(const policy_registry& policies) {
  return [&policies](const relay_message& m) -> domain::result<relay_target> {
    const auto policy = policies.get(m.tenant);
    const std::string& name = policy->governance.channel;
    if (name.empty())
      return domain::make_error(domain::errc::not_found,
                                "tenant " + m.tenant + " has no governance channel");
    const auto ch = policy->channels.find(name);
    if (ch == policy->channels.end() || ch->second.url.empty())
      return domain::make_error(domain::errc::not_found, "governance channel '" + name
                                                           + "' is not in the policy of tenant "
                                                           + m.tenant);
    return relay_target{ch->second.url, ch->second.secret, name};
  };
}

} // namespace tocsin::actors
