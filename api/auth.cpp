// Token lookup compares against every configured token in constant time so that response
// timing tells an attacker nothing about how close a guess was.
#include "api/auth.hpp"

#include <algorithm>

namespace tocsin::api {

bool principal::has_scope(std::string_view s) const {
  return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
}

bool principal::may_act_for(const std::string& tenant) const {
  for (const auto& t : tenants)
    if (t == "*" || t == tenant)
      return true;
  return false;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Walk the candidate's full length whatever the configured value is: no early exit.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < b.size(); ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

namespace {

std::vector<std::string> operator_scopes() {
  // A tenant's operators own its escalation policy and SLOs, so they may read and change them.
  return {std::string{scope::incidents_read}, std::string{scope::incidents_write},
          std::string{scope::policy_read},    std::string{scope::policy_write},
          std::string{scope::slo_read},       std::string{scope::slo_write},
          std::string{scope::feedback_read}};
}

} // namespace

authenticator::authenticator(const api_options& opts) : allow_anonymous_(opts.allow_anonymous) {
  for (const auto& t : opts.tenants)
    for (const auto& value : t.tokens)
      if (!value.empty())
        entries_.push_back({value, principal{principal::kind::tenant, t.tenant, {t.tenant},
                                             operator_scopes()}});
  for (const auto& s : opts.service_tokens)
    if (!s.value.empty())
      entries_.push_back({s.value, principal{principal::kind::service, s.name, s.tenants,
                                             s.scopes}});
}

auth_result<principal>
authenticator::authenticate(const std::optional<std::string_view>& authorization) const {
  using k = auth_error::kind;
  if (!authorization || authorization->empty()) {
    if (allow_anonymous_)
      return {principal{principal::kind::anonymous, "anonymous", {"*"}, operator_scopes()}, {}};
    return {std::nullopt, {k::unauthenticated, "missing bearer token"}};
  }
  std::string_view header = *authorization;
  constexpr std::string_view bearer = "Bearer ";
  if (header.size() <= bearer.size() || header.substr(0, 7) != bearer)
    return {std::nullopt, {k::unauthenticated, "authorization must be \"Bearer <token>\""}};
  auto token = header.substr(bearer.size());
  const entry* found = nullptr;
  for (const auto& e : entries_)
    if (constant_time_equal(token, e.value) && !found)
      found = &e;
  if (!found)
    return {std::nullopt, {k::unauthenticated, "invalid bearer token"}};
  return {found->who, {}};
}

auth_result<std::string> authenticator::tenant_for(const principal& p, const std::string& requested,
                                                   std::string_view required_scope) {
  using k = auth_error::kind;
  if (!p.has_scope(required_scope))
    return {std::nullopt, {k::permission_denied, "this token lacks the scope "
                                                   + std::string{required_scope}}};
  std::string tenant = requested;
  if (tenant.empty()) {
    if (p.type == principal::kind::anonymous)
      tenant = "default";
    else if (p.tenants.size() == 1 && p.tenants[0] != "*")
      tenant = p.tenants[0];
    else
      return {std::nullopt, {k::permission_denied, "this token spans several tenants: name one"}};
  }
  if (!p.may_act_for(tenant))
    return {std::nullopt, {k::permission_denied, "tenant " + tenant
                                                   + " is not accessible with this token"}};
  return {tenant, {}};
}

} // namespace tocsin::api
