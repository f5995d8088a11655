// Tenant policy basics: payload format names, the default policy, equality, routing and stable
// notification ids. Validation, deadlines and notifications live in policy_*.cpp.
#include "domain/policy.hpp"

#include <array>
#include <cstddef>

namespace tocsin::domain {
namespace {

constexpr std::array<std::string_view, 4> format_names{"tocsin", "slack", "pagerduty",
                                                       "alertmanager"};

// 128-bit FNV-1a as two 64-bit halves, so the id needs no compiler extension (__int128) and
// stays the same on every platform. prime = 2^88 + 0x13b.
struct fnv128 {
  std::uint64_t hi = 0x6c62272e07bb0142ULL;
  std::uint64_t lo = 0x62b821756295c58dULL;

  void add(unsigned char c) {
    lo ^= c;
    constexpr std::uint64_t small = 0x13b;
    // lo * small spills at most 41 bits into hi: compute it in 32-bit limbs.
    const std::uint64_t a = (lo & 0xffffffffULL) * small;
    const std::uint64_t b = (lo >> 32) * small;
    const std::uint64_t new_lo = a + (b << 32);
    const std::uint64_t carry = (b >> 32) + (new_lo < a ? 1 : 0);
    hi = hi * small + carry + (lo << 24); // + h << 88: only lo reaches the kept 128 bits
    lo = new_lo;
  }
};

void append_hex(std::string& out, std::uint64_t v) {
  constexpr char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(digits[(v >> shift) & 0xf]);
}

} // namespace

std::string_view to_string(payload_format f) {
  auto i = static_cast<std::size_t>(f);
  return i < format_names.size() ? format_names[i] : std::string_view{"unknown"};
}

std::optional<payload_format> parse_payload_format(std::string_view s) {
  for (std::size_t i = 0; i < format_names.size(); ++i)
    if (format_names[i] == s) return static_cast<payload_format>(i);
  return std::nullopt;
}

bool operator==(const tenant_policy& a, const tenant_policy& b) {
  return a.tenant == b.tenant && a.sla == b.sla && a.routes == b.routes
         && a.default_role == b.default_role && a.role_channels == b.role_channels
         && a.channels == b.channels && a.steps == b.steps
         && a.repeat_interval == b.repeat_interval && a.max_repeats == b.max_repeats
         && a.governance == b.governance;
}

tenant_policy default_policy(const std::string& tenant) {
  constexpr duration minute = 60 * nanos_per_second;
  tenant_policy p;
  p.tenant = tenant;
  p.sla = {{severity::critical, 5 * minute},
           {severity::high, 30 * minute},
           {severity::warning, 240 * minute}};
  p.default_role = "runtime.operator";
  // Cost anomalies are a budget question before they are an operations one (workflows.txt
  // "Routing"): the cost detector's incidents reach cost.analyst unless a policy says otherwise.
  p.routes = {route{category::cost, std::nullopt, "cost.analyst"}};
  p.steps = {step_def{0, ""}};
  return p;
}

std::string route_role(const tenant_policy& p, const incident_state& s) {
  for (const auto& r : p.routes)
    if ((!r.cat || *r.cat == s.cat) && (!r.source || *r.source == s.source)) return r.role;
  return p.default_role;
}

std::string stable_id(std::string_view a, std::string_view b) {
  fnv128 h;
  for (unsigned char c : a) h.add(c);
  h.add('\0'); // separator: ("ab", "c") and ("a", "bc") must differ
  for (unsigned char c : b) h.add(c);
  std::string out;
  out.reserve(32);
  append_hex(out, h.hi);
  append_hex(out, h.lo);
  return out;
}

} // namespace tocsin::domain
