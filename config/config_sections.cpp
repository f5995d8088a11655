// The sections of tocsin.yaml below the top level, one builder per key; config.cpp walks the
// root and calls them.
#include "config/config_sections.hpp"

#include "config/api_config.hpp"

#include <limits>
#include <utility>

namespace tocsin::config::sections {

using yaml::field;
using yaml::section;

void walk_section(const yaml::walker& w, const field& f, const section& handlers) {
  w.walk(f, handlers, "a map of settings");
}

section log_section(const yaml::walker& w, tocsin_config& cfg) {
  return {
    {"level", [&](const field& f) {
       cfg.log_level = w.choice(f, {"trace", "debug", "info", "warn", "error"});
     }},
  };
}

section store_section(const yaml::walker& w, persistence::store_options& st) {
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

section engine_section(const yaml::walker& w, tocsin_config& cfg) {
  return {
    {"passivate_after", [&](const field& f) {
       cfg.passivate_after =
         w.duration(f, std::chrono::milliseconds{1}, std::chrono::hours{24}, "1ms and 24h");
     }},
    {"scheduler", [&](const field& f) { cfg.scheduler = w.choice(f, {"sharing", "stealing"}); }},
  };
}

section notifier_section(const yaml::walker& w, tocsin_config::notifier_settings& n) {
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

void read_policy_files(const yaml::walker& w, const field& f, tocsin_config& cfg) {
  w.each_item(
    f, [&](const field& item) { cfg.policy_files.push_back(w.scalar(item, "a policy file path")); },
    "a list of policy file paths");
}

section otlp_section(const yaml::walker& w, tocsin_config::otlp_settings& o) {
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

namespace {

// `tiers:` replaces the default list as a whole: a partial merge by position would be a trap.
void read_tiers(const yaml::walker& w, const field& f, domain::window_config& win) {
  const std::string what = "a non-empty list of {resolution, retention}";
  if (!f.value.IsSequence() || f.value.size() == 0)
    w.expected(f, what);
  win.tiers.clear();
  w.each_item(f, [&](const field& item) {
    domain::tier t;
    bool has_resolution = false, has_retention = false;
    walk_section(w, item, {
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
  }, what);
}

} // namespace

section aggregation_section(const yaml::walker& w, tocsin_config::aggregation_settings& a,
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

section slo_section(const yaml::walker& w, tocsin_config::slo_settings& s) {
  using std::chrono::milliseconds;
  return {
    {"files", [&](const field& f) {
       w.each_item(f, [&](const field& item) {
         tocsin_config::slo_settings::file entry;
         walk_section(w, item, {
           {"tenant", [&](const field& g) { entry.tenant = w.scalar(g, "a tenant id"); }},
           {"file", [&](const field& g) { entry.path = w.scalar(g, "an OpenSLO file path"); }},
         });
         if (entry.tenant.empty() || entry.path.empty())
           w.fail(item.mark, item.key, "needs both tenant and file");
         s.files.push_back(std::move(entry));
       }, "a list of {tenant, file}");
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

section knowledge_platform_section(const yaml::walker& w,
                                   tocsin_config::knowledge_platform_settings& k) {
  using std::chrono::milliseconds;
  return {
    {"url", [&](const field& f) {
       k.url = w.scalar(f, "an http:// or https:// URL");
       if (k.url.rfind("http://", 0) != 0 && k.url.rfind("https://", 0) != 0)
         w.expected(f, "an http:// or https:// URL");
     }},
    {"secret", [&](const field& f) {
       k.secret = read_secret(w, f);
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

section cost_section(const yaml::walker& w, tocsin_config::cost_settings& c,
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

} // namespace tocsin::config::sections
