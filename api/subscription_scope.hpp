// Who may read which topic in SubscriptionService (api/subscription_service.hpp), and where
// their server-kept cursors live. Pure; any thread.
//
// Rules: a service token needs the scope "subscribe:<topic>" and sees the tenants it may act
// for (with an empty request tenant: all of them, e.g. the Knowledge Platform's token
// "subscribe:feedback" for tenants ["*"]; with one named: that one, if it may act for it). A
// tenant token sees its own tenant only and needs no scope; naming another tenant is
// PERMISSION_DENIED. An anonymous caller (dev mode) sees the request tenant, else "default".
//
// Cursors: kv_db::cursors "sub/<owner>:<consumer>/<topic>/<partition>" → next offset (u64 BE).
// The owner is the tenant of a one-tenant view, or "*<service token name>" for a service
// token's view across tenants: a tenant can never move another tenant's cursors.
#pragma once

#include "api/auth.hpp"
#include "domain/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::api {

inline constexpr std::string_view subscription_topics[] = {"incidents", "feedback", "governance"};

struct subscription_view {
  std::string topic;
  std::vector<std::string> tenants; // {"*"}: every tenant
  std::string owner;                // cursor namespace (see above)
  bool sees(const std::string& tenant) const;
};

/// invalid_argument unless `topic` is one of subscription_topics.
domain::error check_topic(const std::string& topic);
/// invalid_argument unless [A-Za-z0-9._-]{1,64}.
domain::error check_consumer(const std::string& consumer);

/// The caller's view of `topic` (see the rules above).
auth_result<subscription_view> subscription_view_for(const principal& p, const std::string& topic,
                                                     const std::string& requested_tenant);

/// "sub/<owner>:<consumer>/<topic>/": every cursor of one consumer of one topic.
std::string subscription_cursor_prefix(const subscription_view& v, const std::string& consumer);
std::string subscription_cursor_key(const subscription_view& v, const std::string& consumer,
                                    std::uint32_t partition);

} // namespace tocsin::api
