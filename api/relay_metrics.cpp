#include "api/relay_metrics.hpp"

namespace tocsin::api {

metrics_registry::registration
register_relay_metrics(metrics_registry& reg, std::vector<const actors::topic_relay*> relays) {
  return reg.add("relays", [relays = std::move(relays)](metric_writer& w) {
    for (const auto* r : relays) {
      if (r == nullptr)
        continue;
      const auto s = r->stats();
      const metric_labels l = {{"topic", s.topic}, {"consumer", s.consumer}};
      auto d = [](std::uint64_t v) { return static_cast<double>(v); };
      w.counter("relay_delivered_total", "Topic records delivered (2xx)", d(s.delivered), l);
      w.counter("relay_attempts_total", "Delivery attempts", d(s.attempts), l);
      w.counter("relay_failures_total", "Failed attempts (each retry counts)", d(s.failures), l);
      w.counter("relay_dead_lettered_total", "Records that could never be sent",
                d(s.dead_lettered), l);
      w.gauge("relay_backlog", "Records not yet delivered", d(s.backlog), l);
    }
  });
}

} // namespace tocsin::api
