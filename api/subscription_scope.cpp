#include "api/subscription_scope.hpp"

#include <algorithm>

namespace tocsin::api {

bool subscription_view::sees(const std::string& tenant) const {
  for (const auto& t : tenants)
    if (t == "*" || t == tenant)
      return true;
  return false;
}

domain::error check_topic(const std::string& topic) {
  for (auto t : subscription_topics)
    if (topic == t)
      return {};
  return domain::make_error(domain::errc::invalid_argument,
                            "topic: expected incidents, feedback or governance, got \"" + topic
                              + "\"");
}

domain::error check_consumer(const std::string& consumer) {
  const bool ok = !consumer.empty() && consumer.size() <= 64
                  && std::all_of(consumer.begin(), consumer.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                     });
  if (ok)
    return {};
  return domain::make_error(domain::errc::invalid_argument,
                            "consumer: expected 1 to 64 of A-Z a-z 0-9 . _ -");
}

auth_result<subscription_view> subscription_view_for(const principal& p, const std::string& topic,
                                                     const std::string& requested_tenant) {
  using k = auth_error::kind;
  subscription_view v;
  v.topic = topic;
  switch (p.type) {
  case principal::kind::anonymous:
    v.owner = requested_tenant.empty() ? "default" : requested_tenant;
    v.tenants = {v.owner};
    return {v, {}};
  case principal::kind::tenant: {
    const std::string& own = p.name;
    if (!requested_tenant.empty() && requested_tenant != own)
      return {std::nullopt, {k::permission_denied, "tenant " + requested_tenant
                                                     + " is not accessible with this token"}};
    v.owner = own;
    v.tenants = {own};
    return {v, {}};
  }
  case principal::kind::service:
    break;
  }
  const std::string scope = "subscribe:" + topic;
  if (!p.has_scope(scope))
    return {std::nullopt, {k::permission_denied, "this token lacks the scope " + scope}};
  if (!requested_tenant.empty()) {
    if (!p.may_act_for(requested_tenant))
      return {std::nullopt, {k::permission_denied, "tenant " + requested_tenant
                                                     + " is not accessible with this token"}};
    v.owner = requested_tenant;
    v.tenants = {requested_tenant};
    return {v, {}};
  }
  v.owner = "*" + p.name;
  v.tenants = p.tenants;
  return {v, {}};
}

std::string subscription_cursor_prefix(const subscription_view& v, const std::string& consumer) {
  return "sub/" + v.owner + ":" + consumer + "/" + v.topic + "/";
}

std::string subscription_cursor_key(const subscription_view& v, const std::string& consumer,
                                    std::uint32_t partition) {
  return subscription_cursor_prefix(v, consumer) + std::to_string(partition);
}

} // namespace tocsin::api
