#include "config/config.hpp"

#include "config/api_config.hpp"
#include "config/openslo_yaml.hpp"
#include "config/policy_yaml.hpp"

#include "config/units.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace tocsin::config {
namespace {

// Thrown and caught inside this file only, so that each check can stop the walk in one line;
// parse_config turns it into a domain::error before returning.
struct config_error {
  std::string message;
};

// One `key: value` pair as met during the walk; `key` is dotted from the top (store.partitions).
struct field {
  std::string key;
  YAML::Mark mark; // of the key: where a reader looks first
  YAML::Node value;
};

using handler = std::function<void(const field&)>;
using section = std::vector<std::pair<std::string, handler>>;

std::string describe(const YAML::Node& value) {
  switch (value.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      break;
  }
  std::string out = "\"";
  for (char c : value.Scalar()) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

class walker {
public:
  explicit walker(const std::string& name) : name_(name) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& what) const {
    std::ostringstream out;
    out << name_;
    if (!mark.is_null())
      out << ':' << mark.line + 1;
    out << ": ";
    if (!key.empty())
      out << key << ": ";
    out << what;
    throw config_error{out.str()};
  }

  [[noreturn]] void expected(const field& f, const std::string& what) const {
    fail(f.mark, f.key, "expected " + what + ", got " + describe(f.value));
  }

  // Dispatches every pair of a map to its handler; unknown and repeated keys are errors, so a
  // typo never falls back to a default unnoticed. A null node (all entries commented out) is an
  // empty section.
  void walk(const YAML::Node& map, const std::string& prefix, const section& handlers) const {
    if (map.IsNull())
      return;
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const YAML::Node& key_node = kv.first;
      if (!key_node.IsScalar())
        fail(key_node.Mark(), prefix, "keys must be plain names, got " + describe(key_node));
      field f{prefix + key_node.Scalar(), key_node.Mark(), kv.second};
      if (!seen.insert(key_node.Scalar()).second)
        fail(f.mark, f.key, "appears twice");
      auto it = handlers.begin();
      while (it != handlers.end() && it->first != key_node.Scalar())
        ++it;
      if (it == handlers.end())
        fail(f.mark, f.key, "unknown key (expected one of: " + names(handlers) + ")");
      it->second(f);
    }
  }

  // A nested section: `log:`, `store:`, `engine:`.
  void walk_section(const field& f, const section& handlers) const {
    if (!f.value.IsMap() && !f.value.IsNull())
      expected(f, "a map of settings");
    walk(f.value, f.key + ".", handlers);
  }

  std::string scalar(const field& f, const std::string& what) const {
    if (!f.value.IsScalar() || f.value.Scalar().empty())
      expected(f, what);
    return f.value.Scalar();
  }

  std::uint64_t whole(const field& f, std::uint64_t lo, std::uint64_t hi) const {
    const std::string what = "a whole number between " + std::to_string(lo) + " and " +
                              std::to_string(hi);
    auto n = parse_whole(scalar(f, what));
    if (!n || *n < lo || *n > hi)
      expected(f, what);
    return *n;
  }

  // A finite decimal number in [lo, hi] ("0.3", "1e3").
  double number(const field& f, double lo, double hi) const {
    const std::string what = "a number between " + fmt_number(lo) + " and " + fmt_number(hi);
    const std::string text = scalar(f, what);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo || v > hi)
      expected(f, what);
    return v;
  }

  std::uint64_t size(const field& f, std::uint64_t lo) const {
    const std::string what = "a size of at least " + std::to_string(lo) +
                             " bytes, such as 4GiB (units: B, KiB, MiB, GiB, TiB)";
    auto n = parse_size(scalar(f, what));
    if (!n || *n < lo || *n > std::numeric_limits<std::size_t>::max())
      expected(f, what);
    return *n;
  }

  std::chrono::milliseconds duration(const field& f, std::chrono::milliseconds lo,
                                     std::chrono::milliseconds hi,
                                     const std::string& range) const {
    const std::string what = "a duration between " + range + " (units: ms, s, m, h)";
    auto d = parse_duration(scalar(f, what));
    if (!d || *d < lo || *d > hi)
      expected(f, what);
    return *d;
  }

  std::string choice(const field& f, const std::vector<std::string>& allowed) const {
    std::string list;
    for (const auto& a : allowed)
      list += (list.empty() ? "" : " | ") + a;
    const std::string what = "one of " + list;
    auto s = scalar(f, what);
    for (const auto& a : allowed)
      if (s == a)
        return s;
    expected(f, what);
  }

private:
  static std::string fmt_number(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  }

  static std::string names(const section& handlers) {
    std::string out;
    for (const auto& h : handlers)
      out += (out.empty() ? "" : ", ") + h.first;
    return out;
  }

  const std::string& name_;
};

section log_section(const walker& w, tocsin_config& cfg) {
  return {
    {"level", [&](const field& f) {
       cfg.log_level = w.choice(f, {"trace", "debug", "info", "warn", "error"});
     }},
  };
}

section store_section(const walker& w, persistence::store_options& st) {
  using std::chrono::milliseconds;
  return {
    {"map_size", [&](const field& f) { st.map_size = w.size(f, std::uint64_t{1} << 20); }},
    {"partitions", [&](const field& f) { st.partitions = w.whole(f, 1, 65536); }},
    {"snapshot_every", [&](const field& f) { st.snapshot_every = w.whole(f, 1, 1'000'000); }},
    {"sync", [&](const field& f) {
       st.sync = w.choice(f, {"durable", "no_sync"}) == "durable"
                   ? persistence::sync_mode::durable
                   : persistence::sync_mode::no_sync;
     }},
    {"max_batch", [&](const field& f) { st.max_batch = w.whole(f, 1, 1 << 20); }},
    {"max_queue", [&](const field& f) { st.max_queue = w.whole(f, 1, 1 << 24); }},
    {"index_flush_entries",
     [&](const field& f) { st.index_flush_entries = w.whole(f, 1, 1 << 24); }},
    {"index_flush_interval", [&](const field& f) {
       st.index_flush_interval =
         w.duration(f, milliseconds{1}, std::chrono::hours{1}, "1ms and 1h");
     }},
  };
}

section engine_section(const walker& w, tocsin_config& cfg) {
  return {
    {"passivate_after", [&](const field& f) {
       cfg.passivate_after =
         w.duration(f, std::chrono::milliseconds{1}, std::chrono::hours{24}, "1ms and 24h");
     }},
    {"scheduler", [&](const field& f) { cfg.scheduler = w.choice(f, {"sharing", "stealing"}); }},
  };
}

section notifier_section(const walker& w, tocsin_config::notifier_settings& n) {
  using std::chrono::milliseconds;
  return {
    {"enabled", [&](const field& f) { n.enabled = w.choice(f, {"true", "false"}) == "true"; }},
    {"max_attempts", [&](const field& f) { n.max_attempts = w.whole(f, 1, 100); }},
    {"backoff_base", [&](const field& f) {
       n.backoff_base = w.duration(f, milliseconds{1}, std::chrono::hours{1}, "1ms and 1h");
     }},
    {"backoff_max", [&](const field& f) {
       n.backoff_max = w.duration(f, milliseconds{1}, std::chrono::hours{24}, "1ms and 24h");
     }},
    {"attempt_timeout", [&](const field& f) {
       n.attempt_timeout = w.duration(f, milliseconds{10}, std::chrono::hours{1}, "10ms and 1h");
     }},
    {"external_url", [&](const field& f) { n.external_url = w.scalar(f, "a URL"); }},
  };
}

void read_policy_files(const walker& w, const field& f, tocsin_config& cfg) {
  if (!f.value.IsSequence())
    w.expected(f, "a list of policy file paths");
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    field item{f.key + "[" + std::to_string(i) + "]", f.value[i].Mark(), f.value[i]};
    cfg.policy_files.push_back(w.scalar(item, "a policy file path"));
  }
}

section otlp_section(const walker& w, tocsin_config::otlp_settings& o) {
  using std::chrono::milliseconds;
  return {
    {"enabled", [&](const field& f) { o.enabled = w.choice(f, {"true", "false"}) == "true"; }},
    {"grpc_listen", [&](const field& f) { o.grpc_listen = w.scalar(f, "a host:port address"); }},
    {"http_listen", [&](const field& f) { o.http_listen = w.scalar(f, "a host:port address"); }},
    {"max_body", [&](const field& f) { o.max_body = w.size(f, 1024); }},
    {"max_queued", [&](const field& f) { o.max_queued = w.whole(f, 1, 1'000'000'000); }},
    {"retry_after", [&](const field& f) {
       o.retry_after = w.duration(f, milliseconds{1}, std::chrono::hours{1}, "1ms and 1h");
     }},
    {"require_known_tenant", [&](const field& f) {
       o.require_known_tenant = w.choice(f, {"true", "false"}) == "true";
     }},
  };
}

domain::duration to_nanos(std::chrono::milliseconds d) {
  return static_cast<domain::duration>(d.count()) * domain::nanos_per_milli;
}

// `tiers:` replaces the default list as a whole: a partial merge by position would be a trap.
void read_tiers(const walker& w, const field& f, domain::window_config& win) {
  if (!f.value.IsSequence() || f.value.size() == 0)
    w.expected(f, "a non-empty list of {resolution, retention}");
  win.tiers.clear();
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    field item{f.key + "[" + std::to_string(i) + "]", f.value[i].Mark(), f.value[i]};
    domain::tier t;
    bool has_resolution = false, has_retention = false;
    w.walk_section(item, {
      {"resolution", [&](const field& g) {
         t.resolution = to_nanos(w.duration(g, std::chrono::milliseconds{1},
                                            std::chrono::hours{24}, "1ms and 24h"));
         has_resolution = true;
       }},
      {"retention", [&](const field& g) {
         t.retention = to_nanos(w.duration(g, std::chrono::milliseconds{1},
                                           std::chrono::hours{24 * 400}, "1ms and 9600h"));
         has_retention = true;
       }},
    });
    if (!has_resolution || !has_retention)
      w.fail(item.mark, item.key, "needs both resolution and retention");
    win.tiers.push_back(t);
  }
}

section aggregation_section(const walker& w, tocsin_config::aggregation_settings& a,
                            YAML::Mark& tiers_mark) {
  using std::chrono::milliseconds;
  return {
    {"shards", [&](const field& f) { a.shards = w.whole(f, 0, 1024); }},
    {"tick", [&](const field& f) {
       a.tick = w.duration(f, milliseconds{1}, std::chrono::minutes{1}, "1ms and 1m");
     }},
    {"lateness", [&](const field& f) {
       a.windows.lateness = to_nanos(w.duration(f, milliseconds{0}, std::chrono::hours{1},
                                                "0ms and 1h"));
     }},
    {"max_exemplars", [&](const field& f) { a.windows.max_exemplars = w.whole(f, 0, 64); }},
    {"tiers", [&](const field& f) {
       tiers_mark = f.mark;
       read_tiers(w, f, a.windows);
     }},
  };
}

section slo_section(const walker& w, tocsin_config::slo_settings& s) {
  using std::chrono::milliseconds;
  return {
    {"files", [&](const field& f) {
       if (!f.value.IsSequence())
         w.expected(f, "a list of {tenant, file}");
       for (std::size_t i = 0; i < f.value.size(); ++i) {
         field item{f.key + "[" + std::to_string(i) + "]", f.value[i].Mark(), f.value[i]};
         tocsin_config::slo_settings::file entry;
         w.walk_section(item, {
           {"tenant", [&](const field& g) { entry.tenant = w.scalar(g, "a tenant id"); }},
           {"file", [&](const field& g) { entry.path = w.scalar(g, "an OpenSLO file path"); }},
         });
         if (entry.tenant.empty() || entry.path.empty())
           w.fail(item.mark, item.key, "needs both tenant and file");
         s.files.push_back(std::move(entry));
       }
     }},
    {"min_interval", [&](const field& f) {
       s.min_interval = w.duration(f, milliseconds{0}, std::chrono::minutes{1}, "0ms and 1m");
     }},
    {"evaluate_every", [&](const field& f) {
       s.evaluate_every = w.duration(f, milliseconds{10}, std::chrono::hours{1}, "10ms and 1h");
     }},
    {"renotify", [&](const field& f) {
       s.renotify = w.duration(f, milliseconds{0}, std::chrono::hours{24 * 7}, "0ms and 168h");
     }},
  };
}

section knowledge_platform_section(const walker& w,
                                   tocsin_config::knowledge_platform_settings& k) {
  using std::chrono::milliseconds;
  return {
    {"url", [&](const field& f) {
       k.url = w.scalar(f, "an http:// or https:// URL");
       if (k.url.rfind("http://", 0) != 0 && k.url.rfind("https://", 0) != 0)
         w.expected(f, "an http:// or https:// URL");
     }},
    {"secret", [&](const field& f) {
       k.secret = read_secret(f.value, f.key, f.mark,
                              [&](const YAML::Mark& m, const std::string& key,
                                  const std::string& what) { w.fail(m, key, what); });
     }},
    {"timeout", [&](const field& f) {
       k.timeout = w.duration(f, milliseconds{10}, std::chrono::hours{1}, "10ms and 1h");
     }},
    {"backoff_base", [&](const field& f) {
       k.backoff_base = w.duration(f, milliseconds{1}, std::chrono::hours{1}, "1ms and 1h");
     }},
    {"backoff_max", [&](const field& f) {
       k.backoff_max = w.duration(f, milliseconds{1}, std::chrono::hours{24}, "1ms and 24h");
     }},
  };
}

section cost_section(const walker& w, tocsin_config::cost_settings& c,
                     YAML::Mark& window_mark) {
  using std::chrono::milliseconds;
  constexpr double big = 1e15;
  return {
    {"enabled", [&](const field& f) { c.enabled = w.choice(f, {"true", "false"}) == "true"; }},
    {"metric", [&](const field& f) { c.metric = w.scalar(f, "a metric name"); }},
    {"window", [&](const field& f) {
       window_mark = f.mark;
       c.window = w.duration(f, milliseconds{1}, std::chrono::hours{24}, "1ms and 24h");
     }},
    {"alpha", [&](const field& f) {
       c.alpha = w.number(f, 0, 1);
       if (c.alpha == 0)
         w.expected(f, "a number above 0 and at most 1");
     }},
    {"deviation", [&](const field& f) { c.deviation = w.number(f, 0, 1000); }},
    {"min_ratio", [&](const field& f) { c.min_ratio = w.number(f, 0, 1e6); }},
    {"min_volume", [&](const field& f) { c.min_volume = w.number(f, 0, big); }},
    {"warmup", [&](const field& f) { c.warmup = w.whole(f, 0, 100'000); }},
    {"relearn_after", [&](const field& f) { c.relearn_after = w.whole(f, 1, 100'000); }},
  };
}

void read_root(const walker& w, const YAML::Node& root, tocsin_config& cfg) {
  if (!root.IsMap() && !root.IsNull())
    w.fail(root.Mark(), "", "expected a map of settings at the top level, got " + describe(root));
  bool api_seen = false;
  YAML::Mark tiers_mark = root.Mark();
  YAML::Mark cost_window_mark = root.Mark();
  const section top = {
    {"data_dir", [&](const field& f) { cfg.data_dir = w.scalar(f, "a directory path"); }},
    {"log", [&](const field& f) { w.walk_section(f, log_section(w, cfg)); }},
    {"store", [&](const field& f) { w.walk_section(f, store_section(w, cfg.store)); }},
    {"engine", [&](const field& f) { w.walk_section(f, engine_section(w, cfg)); }},
    {"notifier", [&](const field& f) { w.walk_section(f, notifier_section(w, cfg.notifier)); }},
    {"policies", [&](const field& f) { read_policy_files(w, f, cfg); }},
    {"otlp", [&](const field& f) { w.walk_section(f, otlp_section(w, cfg.otlp)); }},
    {"aggregation", [&](const field& f) {
       w.walk_section(f, aggregation_section(w, cfg.aggregation, tiers_mark));
     }},
    {"slo", [&](const field& f) { w.walk_section(f, slo_section(w, cfg.slo)); }},
    {"cost", [&](const field& f) {
       w.walk_section(f, cost_section(w, cfg.cost, cost_window_mark));
     }},
    {"knowledge_platform", [&](const field& f) {
       w.walk_section(f, knowledge_platform_section(w, cfg.knowledge_platform));
       if (cfg.knowledge_platform.backoff_max < cfg.knowledge_platform.backoff_base)
         w.fail(f.mark, f.key + ".backoff_max", "must not be below backoff_base");
     }},
    {"api", [&](const field& f) {
       read_api_section(
         f.value, f.key, f.mark,
         [&](const YAML::Mark& m, const std::string& k, const std::string& what) {
           w.fail(m, k, what);
         },
         cfg.api);
       api_seen = true;
     }},
  };
  w.walk(root, "", top);
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
  walker w{name};
  try {
    read_root(w, YAML::Load(std::string{text}), cfg);
  } catch (const config_error& e) {
    return domain::make_error(domain::errc::invalid_argument, e.message);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's what() repeats its own 1-based "line N, column M"; rebuild it with the file.
    std::ostringstream out;
    out << name;
    if (!e.mark.is_null())
      out << ':' << e.mark.line + 1 << ':' << e.mark.column + 1;
    out << ": invalid YAML: " << e.msg;
    return domain::make_error(domain::errc::invalid_argument, out.str());
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
