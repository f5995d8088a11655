// What the two relays of tocsind send and where (actors/topic_relay.hpp): the `feedback` topic
// to the Knowledge Platform (one URL from the config), the `governance` topic to the channel the
// tenant's policy names in governance.channel. Bodies are the JSON documented below. Pure
// functions and small closures; any thread (the policy registry is thread-safe and must outlive
// the closure).
#pragma once

#include "actors/policy_registry.hpp"
#include "actors/topic_relay.hpp"
#include "domain/feedback.hpp"
#include "domain/governance.hpp"

#include <string>

namespace tocsin::actors {

/// {id, tenant, source, source_id, category, sentiment, summary, artifact_id, agent_id,
///  skill_id, trace_id, created_at (RFC 3339 UTC ms)}
std::string feedback_json(const domain::feedback_item& it);

/// {id, tenant, kind, subject, summary, amount, threshold, incident_id, channel,
///  window_start, at (RFC 3339 UTC ms)}
std::string governance_json(const domain::governance_handoff& h);

/// Feedback topic records (persistence/feedback_codec.hpp) as FeedbackItemCreated messages,
/// keyed by the feedback id.
relay_render feedback_render();
/// Governance topic records (persistence/governance_codec.hpp) as GovernanceHandoff messages,
/// keyed by the hand-off id.
relay_render governance_render();

/// Every message to one endpoint (the Knowledge Platform).
relay_resolve fixed_target(std::string url, std::string secret, std::string channel);
/// The channel named by the message tenant's current policy (governance.channel); an error
/// (dead letter) when the policy names none or the channel is gone.
relay_resolve governance_target(const policy_registry& policies);

} // namespace tocsin::actors
