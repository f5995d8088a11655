// Builders for the sections of tocsin.yaml below the top level (log:, store:, engine: ...), each
// a yaml::section of handlers writing into tocsin_config. Internal to config/config*.cpp; called
// by parse_config's root walk on the loading thread.
#pragma once

#include "config/config.hpp"
#include "config/yaml_walker.hpp"

#include <chrono>

namespace tocsin::config::sections {

domain::duration to_nanos(std::chrono::milliseconds d);
/// A nested map of settings (`log:`, `store:`, a tier): its keys dispatched to `handlers`.
void walk_section(const yaml::walker& w, const yaml::field& f, const yaml::section& handlers);

yaml::section log_section(const yaml::walker& w, tocsin_config& cfg);
yaml::section store_section(const yaml::walker& w, persistence::store_options& st);
yaml::section engine_section(const yaml::walker& w, tocsin_config& cfg);
yaml::section notifier_section(const yaml::walker& w, tocsin_config::notifier_settings& n);
/// `policies:`, a list of file paths (resolved against the config file by load_config).
void read_policy_files(const yaml::walker& w, const yaml::field& f, tocsin_config& cfg);
yaml::section otlp_section(const yaml::walker& w, tocsin_config::otlp_settings& o);
/// `tiers_mark` is set to where `tiers:` is, for errors found once the walk is over.
yaml::section aggregation_section(const yaml::walker& w, tocsin_config::aggregation_settings& a,
                                  YAML::Mark& tiers_mark);
yaml::section slo_section(const yaml::walker& w, tocsin_config::slo_settings& s);
yaml::section knowledge_platform_section(const yaml::walker& w,
                                         tocsin_config::knowledge_platform_settings& k);
/// `window_mark` is set to where `window:` is, for errors found once the walk is over.
yaml::section cost_section(const yaml::walker& w, tocsin_config::cost_settings& c,
                           YAML::Mark& window_mark);

} // namespace tocsin::config::sections
