// The sending loop of tocsin-loadgen: `concurrency` OTLP/gRPC Export calls in flight over a
// generic stub and one completion queue, paced to the target rate, retrying as OTLP clients
// must: UNAVAILABLE after the server's RetryInfo delay or an exponential backoff,
// RESOURCE_EXHAUSTED only when it carries a RetryInfo. Runs on the calling thread; `live` is
// updated as it goes for the progress line.
#pragma once

#include "options.hpp"
#include "request_template.hpp"
#include "stats.hpp"

#include <atomic>
#include <vector>

namespace tocsin::loadgen {

/// Sends for o.duration (or until `interrupted`), waits for the calls in flight, returns the
/// figures. Slot i sends templates[i % templates.size()].
run_result run_load(const options& o, const std::vector<request_template>& templates,
                    live_counters& live, const std::atomic<bool>& interrupted);

} // namespace tocsin::loadgen
