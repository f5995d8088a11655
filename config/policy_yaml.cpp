// Tenant policy YAML loader: one read_* per top-level section. Rules that need the whole policy
// are left to domain::validate, whose field paths are mapped back to YAML keys and lines here so
// that both kinds of error read alike.
#include "config/policy_yaml.hpp"

#include "config/policy_yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

namespace tocsin::config {
namespace {

using namespace policy_yaml;

// The policy as read so far, with where each domain field path came from, so that a
// domain::validate error can name the YAML key and its line.
struct reading {
  domain::tenant_policy policy;
  std::map<std::string, std::pair<std::string, YAML::Mark>> origin; // domain path -> key, mark

  void note(const std::string& domain_path, const field& f) {
    origin[domain_path] = {f.key, f.mark};
  }
};

void read_sla(const reader& r, const field& f, reading& rd) {
  rd.policy.sla.clear(); // listed severities only: the others never escalate by timer
  section s;
  for (auto sev : {domain::severity::critical, domain::severity::high, domain::severity::warning,
                   domain::severity::info})
    s.push_back({std::string(domain::to_string(sev)), [&r, &rd, sev](const field& v) {
                   rd.policy.sla[sev] = r.time(v, std::chrono::milliseconds{1});
                   rd.note(v.key, v);
                 }});
  r.walk(f, s);
}

void read_routes(const reader& r, const field& f, reading& rd) {
  rd.policy.routes.clear(); // listed routes replace the default ones, they do not extend them
  r.optional_items(f, [&](const field& item) {
    domain::route route;
    bool has_role = false;
    r.walk(item, {
      {"category", [&](const field& v) {
         route.cat = domain::parse_category(r.scalar(v, "a category"));
         if (!route.cat)
           r.expected(v, "one of reliability | performance | cost | maintainability | "
                         "correctness");
       }},
      {"source", [&](const field& v) {
         route.source = domain::parse_source(r.scalar(v, "a source"));
         if (!route.source) r.expected(v, "one of slo | cost | signal | manual | alert");
       }},
      {"role", [&](const field& v) { route.role = r.role(v); has_role = true; }},
    });
    if (!has_role) r.fail(item.mark, item.key + ".role", "required");
    rd.note(item.key, item);
    rd.policy.routes.push_back(std::move(route));
  });
}

void read_roles(const reader& r, const field& f, reading& rd) {
  if (f.value.IsNull()) return;
  if (!f.value.IsMap()) r.expected(f, "a map of role: [channel, ...]");
  r.each_pair(f.value, "roles.", [&](const field& kv) {
    const std::string role = kv.key.substr(std::string("roles.").size());
    r.known_role(kv, role);
    const std::string path = "role_channels[" + role + "]";
    rd.note(path, kv);
    auto& names = rd.policy.role_channels[role];
    r.optional_items(kv, [&](const field& item) {
      names.push_back(r.scalar(item, "a channel name"));
      rd.note(path + "[" + std::to_string(names.size() - 1) + "]", item);
    });
  });
}

void read_channels(const reader& r, const field& f, reading& rd) {
  if (f.value.IsNull()) return;
  if (!f.value.IsMap()) r.expected(f, "a map of channel name: {url, format, ...}");
  r.each_pair(f.value, "channels.", [&](const field& kv) {
    domain::channel c;
    c.name = kv.key.substr(std::string("channels.").size());
    if (!kv.value.IsMap()) r.expected(kv, "a map with url, format, routing_key, secret");
    r.walk(kv, {
      {"url", [&](const field& v) { c.url = r.scalar(v, "an http:// or https:// URL"); }},
      {"format", [&](const field& v) {
         auto fmt = domain::parse_payload_format(r.scalar(v, "a payload format"));
         if (!fmt) r.expected(v, "one of tocsin | slack | pagerduty | alertmanager");
         c.format = *fmt;
       }},
      {"routing_key", [&](const field& v) {
         c.routing_key = r.scalar(v, "a PagerDuty routing key");
         rd.note("channels." + c.name + ".routing_key", v);
       }},
      {"secret", [&](const field& v) { c.secret = r.secret(v); }},
    });
    if (!c.routing_key.empty() && c.format != domain::payload_format::pagerduty)
      r.fail(kv.mark, kv.key + ".routing_key", "only for format pagerduty");
    rd.note("channels." + c.name, kv);
    rd.policy.channels[c.name] = std::move(c);
  });
}

void read_steps(const reader& r, const field& f, reading& rd) {
  rd.policy.steps.clear();
  r.optional_items(f, [&](const field& item) {
    domain::step_def def;
    bool has_delay = false;
    r.walk(item, {
      {"delay", [&](const field& v) {
         def.delay = r.time(v, std::chrono::milliseconds{0});
         has_delay = true;
       }},
      {"role", [&](const field& v) { def.role = r.role(v); }},
    });
    if (!has_delay) r.fail(item.mark, item.key + ".delay", "required (0s for at once)");
    rd.note(item.key, item);
    rd.policy.steps.push_back(std::move(def));
  });
}

void read_after_last_step(const reader& r, const field& f, reading& rd) {
  bool stop = false, has_every = false, has_max = false;
  r.walk(f, {
    {"stop", [&](const field& v) {
       if (r.scalar(v, "true") != "true") r.expected(v, "true (or leave after_last_step out)");
       stop = true;
     }},
    {"repeat_every", [&](const field& v) {
       rd.policy.repeat_interval = r.time(v, std::chrono::milliseconds{1});
       has_every = true;
     }},
    {"max_repeats", [&](const field& v) {
       rd.policy.max_repeats = static_cast<std::uint32_t>(r.whole(v, 1, 1000));
       has_max = true;
     }},
  });
  if (stop && (has_every || has_max))
    r.fail(f.mark, f.key, "stop: true cannot be combined with repeat_every or max_repeats");
  if (has_every != has_max)
    r.fail(f.mark, f.key + (has_every ? ".max_repeats" : ".repeat_every"),
           "required with " + std::string(has_every ? "repeat_every" : "max_repeats"));
}

void read_governance(const reader& r, const field& f, reading& rd) {
  auto& g = rd.policy.governance;
  // Pairing errors name a key that may be absent: point at the section, or at the key if given.
  for (auto k : {"cost_anomaly_above", "slo_breaches", "slo_breach_period", "channel"})
    rd.origin["governance." + std::string(k)] = {f.key + "." + k, f.mark};
  r.walk(f, {
    {"cost_anomaly_above", [&](const field& v) {
       g.cost_anomaly_above = r.amount(v);
       rd.note("governance.cost_anomaly_above", v);
     }},
    {"slo_breaches", [&](const field& v) {
       g.slo_breaches = static_cast<std::uint32_t>(r.whole(v, 0, 1'000'000));
       rd.note("governance.slo_breaches", v);
     }},
    {"slo_breach_period", [&](const field& v) {
       g.slo_breach_period = r.time(v, std::chrono::milliseconds{0});
       rd.note("governance.slo_breach_period", v);
     }},
    {"channel", [&](const field& v) {
       g.channel = r.scalar(v, "a channel name");
       rd.note("governance.channel", v);
     }},
  });
}

// A validate error "path: what" re-addressed to the YAML: the longest recorded domain path that
// prefixes `path` gives the key and the line; otherwise the root's line.
[[noreturn]] void fail_validation(const reader& r, const reading& rd, const YAML::Mark& root,
                                  const std::string& message) {
  const auto colon = message.find(": ");
  const std::string path = message.substr(0, colon);
  const std::pair<const std::string, std::pair<std::string, YAML::Mark>>* best = nullptr;
  for (const auto& entry : rd.origin) {
    const auto& p = entry.first;
    const bool prefix = path.compare(0, p.size(), p) == 0
                        && (path.size() == p.size() || path[p.size()] == '.'
                            || path[p.size()] == '[');
    if (prefix && (!best || p.size() > best->first.size())) best = &entry;
  }
  if (!best || colon == std::string::npos) r.fail(root, "", message);
  const std::string key = best->second.first + path.substr(best->first.size());
  r.fail(best->second.second, key, message.substr(colon + 2));
}

domain::tenant_policy read_policy(const reader& r, const YAML::Node& root) {
  if (!root.IsMap())
    r.fail(root.Mark(), "", "expected a map with the policy at the top level, got " +
                                describe(root));
  reading rd{domain::default_policy(""), {}};
  bool has_tenant = false;
  r.walk(field{"", root.Mark(), root}, {
    {"tenant", [&](const field& v) {
       rd.policy.tenant = r.scalar(v, "a tenant name");
       has_tenant = true;
     }},
    {"sla", [&](const field& v) { read_sla(r, v, rd); }},
    {"default_role", [&](const field& v) {
       rd.policy.default_role = r.role(v);
       rd.note("default_role", v);
     }},
    {"routes", [&](const field& v) { read_routes(r, v, rd); }},
    {"roles", [&](const field& v) { read_roles(r, v, rd); }},
    {"channels", [&](const field& v) { read_channels(r, v, rd); }},
    {"steps", [&](const field& v) { rd.note("steps", v); read_steps(r, v, rd); }},
    {"after_last_step", [&](const field& v) { read_after_last_step(r, v, rd); }},
    {"governance", [&](const field& v) { read_governance(r, v, rd); }},
  });
  if (!has_tenant) r.fail(root.Mark(), "tenant", "required");
  if (auto e = domain::validate(rd.policy); e.code != domain::errc::ok)
    fail_validation(r, rd, root.Mark(), e.message);
  return std::move(rd.policy);
}

domain::result<domain::tenant_policy> parse(std::string_view text, const std::string& name,
                                            const std::filesystem::path& base_dir) {
  reader r{name, base_dir};
  try {
    return read_policy(r, YAML::Load(std::string{text}));
  } catch (const yaml::walk_error& e) {
    return domain::make_error(domain::errc::invalid_argument, e.message);
  } catch (const YAML::Exception& e) {
    return domain::make_error(domain::errc::invalid_argument, yaml::invalid_yaml(name, e));
  }
}

} // namespace

domain::result<domain::tenant_policy> parse_policy_text(std::string_view yaml,
                                                        const std::string& name) {
  return parse(yaml, name, std::filesystem::path{});
}

domain::result<domain::tenant_policy> load_policy_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    const int err = errno;
    return domain::make_error(domain::errc::not_found,
                              path + ": cannot read policy file: " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return domain::make_error(domain::errc::invalid_argument, path + ": read error");
  return parse(text.str(), path, std::filesystem::path{path}.parent_path());
}

} // namespace tocsin::config
