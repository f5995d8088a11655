#include "config/config.hpp"

#include "config/api_config.hpp"
#include "config/openslo_yaml.hpp"
#include "config/policy_yaml.hpp"
#include "config/config_sections.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace tocsin::config {
namespace {

using namespace sections;
using yaml::field;
using yaml::section;

void read_root(const yaml::walker& w, const YAML::Node& root, tocsin_config& cfg) {
  bool api_seen = false;
  YAML::Mark tiers_mark = root.Mark();
  YAML::Mark cost_window_mark = root.Mark();
  const section top = {
    {"data_dir", [&](const field& f) { cfg.data_dir = w.scalar(f, "a directory path"); }},
    {"log", [&](const field& f) { walk_section(w, f, log_section(w, cfg)); }},
    {"store", [&](const field& f) { walk_section(w, f, store_section(w, cfg.store)); }},
    {"engine", [&](const field& f) { walk_section(w, f, engine_section(w, cfg)); }},
    {"notifier", [&](const field& f) { walk_section(w, f, notifier_section(w, cfg.notifier)); }},
    {"policies", [&](const field& f) { read_policy_files(w, f, cfg); }},
    {"otlp", [&](const field& f) { walk_section(w, f, otlp_section(w, cfg.otlp)); }},
    {"aggregation", [&](const field& f) {
       walk_section(w, f, aggregation_section(w, cfg.aggregation, tiers_mark));
     }},
    {"slo", [&](const field& f) { walk_section(w, f, slo_section(w, cfg.slo)); }},
    {"cost", [&](const field& f) {
       walk_section(w, f, cost_section(w, cfg.cost, cost_window_mark));
     }},
    {"knowledge_platform", [&](const field& f) {
       walk_section(w, f, knowledge_platform_section(w, cfg.knowledge_platform));
       if (cfg.knowledge_platform.backoff_max < cfg.knowledge_platform.backoff_base)
         w.fail(f.mark, f.key + ".backoff_max", "must not be below backoff_base");
     }},
    {"api", [&](const field& f) {
       read_api_section(w, f, cfg.api);
       api_seen = true;
     }},
  };
  w.walk(field{"", root.Mark(), root}, top, "a map of settings at the top level");
  if (auto err = domain::validate(cfg.aggregation.windows); err.code != domain::errc::ok)
    w.fail(tiers_mark, "aggregation", err.message);
  // Detector windows are sums of whole aggregation windows.
  const auto cost_window = to_nanos(cfg.cost.window);
  if (cost_window % cfg.aggregation.windows.resolution() != 0)
    w.fail(cost_window_mark, "cost.window",
           "must be a multiple of the aggregation resolution (the first tier's)");
  if (!api_seen)
    default_api_section(cfg.api);
  cfg.store.dir = cfg.data_dir;
}

} // namespace

domain::result<tocsin_config> parse_config(std::string_view text, const std::string& name) {
  tocsin_config cfg;
  cfg.store.dir = cfg.data_dir;
  yaml::walker w{name};
  try {
    read_root(w, YAML::Load(std::string{text}), cfg);
  } catch (const yaml::walk_error& e) {
    return domain::make_error(domain::errc::invalid_argument, e.message);
  } catch (const YAML::Exception& e) {
    return domain::make_error(domain::errc::invalid_argument, yaml::invalid_yaml(name, e));
  }
  return cfg;
}

domain::result<tocsin_config> load_config(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    const int err = errno;
    return domain::make_error(domain::errc::not_found,
                              path + ": cannot read config file: " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return domain::make_error(domain::errc::invalid_argument, path + ": read error");
  auto cfg = parse_config(text.str(), path);
  if (!cfg)
    return cfg;
  // Policy files are named relative to the config file, so a config moves with its tenants.
  const auto dir = std::filesystem::path(path).parent_path();
  std::set<std::string> tenants;
  for (auto& file : cfg->policy_files) {
    if (std::filesystem::path(file).is_relative())
      file = (dir / file).lexically_normal().string();
    auto p = load_policy_file(file);
    if (!p)
      return p.err();
    if (!tenants.insert(p->tenant).second)
      return domain::make_error(domain::errc::invalid_argument,
                                path + ": policies: two files define tenant '" + p->tenant + "'");
    cfg->policies.push_back(std::move(*p));
  }
  // SLO files likewise; an SLO id may appear once per tenant (it is the incidents' source_id).
  std::set<std::pair<std::string, std::string>> slo_ids;
  for (auto& file : cfg->slo.files) {
    if (std::filesystem::path(file.path).is_relative())
      file.path = (dir / file.path).lexically_normal().string();
    auto slos = load_openslo_file(file.path, file.tenant);
    if (!slos)
      return slos.err();
    for (auto& d : *slos) {
      if (!slo_ids.insert({d.tenant, d.id}).second)
        return domain::make_error(domain::errc::invalid_argument,
                                  path + ": slo.files: SLO '" + d.id + "' of tenant '" + d.tenant +
                                    "' is defined twice");
      cfg->slos.push_back(std::move(d));
    }
  }
  return cfg;
}

} // namespace tocsin::config
