// Metric names follow Prometheus conventions: counters end in _total, latency in seconds.
#include "api/self_metrics.hpp"

#include "actors/messages.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <memory>
#include <mutex>
#include <optional>

namespace tocsin::api {

namespace {

std::optional<actors::router_stats> ask_router(caf::actor_system& sys, const caf::actor& router) {
  caf::scoped_actor self{sys};
  std::optional<actors::router_stats> out;
  self->request(router, std::chrono::seconds{1}, actors::stats_atom::value)
    .receive([&](actors::router_stats& s) { out = s; }, [](caf::error&) {});
  return out;
}

void store_counters(metric_writer& w, persistence::store& st) {
  const auto s = st.stats();
  auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  w.counter("store_commits_total", "LMDB write transactions committed", d(s.commits));
  w.counter("store_appends_total", "Journal append requests committed", d(s.appends));
  w.counter("store_events_total", "Journal events written", d(s.events));
  w.counter("store_refused_full_total", "Requests refused because the LMDB map is full",
            d(s.refused_full));
  w.counter("store_conflicts_total", "Appends refused with a version conflict", d(s.conflicts));
  w.counter("store_index_flushes_total", "Aggregate index flushes", d(s.index_flushes));
  w.gauge("store_index_pending", "Aggregate index entries not yet written", d(s.index_pending));
  histogram_value h;
  for (auto us : persistence::commit_latency_bounds_us)
    h.bounds.push_back(us / 1e6);
  h.counts.assign(s.commit_latency.begin(), s.commit_latency.end());
  h.sum = static_cast<double>(s.commit_latency_sum_ns) / 1e9;
  w.histogram("journal_commit_seconds",
              "Group commit latency, write transaction begin to durable commit", h);
}

// The last catalog count and when it was taken; a scrape within the TTL reuses it.
struct incident_cache {
  std::mutex mu;
  std::chrono::steady_clock::time_point taken{};
  std::vector<persistence::incident_count> counts;
  bool ok = false;
};

void incident_counts(metric_writer& w, persistence::store& st, incident_cache& c,
                     std::chrono::milliseconds ttl) {
  std::lock_guard<std::mutex> guard(c.mu);
  const auto now = std::chrono::steady_clock::now();
  if (!c.ok || now - c.taken >= ttl) {
    auto counted = st.count_incidents();
    c.ok = counted.ok();
    c.taken = now;
    if (c.ok)
      c.counts = std::move(*counted);
  }
  if (!c.ok)
    return;
  for (const auto& n : c.counts)
    w.gauge("incidents", "Incidents by tenant and state (refreshed every few seconds)",
            static_cast<double>(n.count),
            {{"tenant", n.tenant}, {"state", std::string(domain::to_string(n.status))}});
}

} // namespace

metrics_registry::registration register_store_metrics(metrics_registry& reg,
                                                      persistence::store& st,
                                                      std::chrono::milliseconds incidents_ttl) {
  auto cache = std::make_shared<incident_cache>();
  return reg.add("store", [&st, cache, incidents_ttl](metric_writer& w) {
    store_counters(w, st);
    incident_counts(w, st, *cache, incidents_ttl);
  });
}

metrics_registry::registration register_router_metrics(metrics_registry& reg,
                                                       caf::actor_system& sys, caf::actor router) {
  return reg.add("router", [&sys, router](metric_writer& w) {
    auto s = ask_router(sys, router);
    w.gauge("engine_up", "1 while the incident router answers", s ? 1 : 0);
    if (!s)
      return;
    w.gauge("engine_active_incident_actors", "Incident actors in memory",
            static_cast<double>(s->active_actors));
    w.counter("engine_activations_total", "Incident actors activated",
              static_cast<double>(s->activations));
    w.counter("engine_passivations_total", "Incident actors passivated",
              static_cast<double>(s->passivations));
    w.gauge("engine_dedup_cache", "Dedup keys cached by the router",
            static_cast<double>(s->dedup_cache));
  });
}

health_check router_health(caf::actor_system& sys, caf::actor router) {
  return [&sys, router](std::map<std::string, std::string>& details) {
    const bool up = ask_router(sys, router).has_value();
    details["engine"] = up ? "ok" : "not answering";
    return up;
  };
}

} // namespace tocsin::api
