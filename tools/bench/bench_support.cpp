// See bench_support.hpp.
#include "bench_support.hpp"

#include "domain/envelope.hpp"
#include "domain/ulid.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unistd.h>

namespace tocsin::bench {

scratch_dir::scratch_dir(const std::string& name) {
  path_ = "var/bench/" + name + "-" + std::to_string(::getpid());
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

running_engine::running_engine(const persistence::store_options& opts,
                               actors::engine_options eopts) {
  auto st = persistence::store::open(opts);
  if (!st)
    throw std::runtime_error("store: " + st.err().message);
  store = std::move(*st);
  cfg = std::make_unique<caf::actor_system_config>();
  actors::prepare_system_config(*cfg);
  sys = std::make_unique<caf::actor_system>(*cfg);
  eng = std::make_unique<actors::engine>(*sys, *store, clock, eopts);
}

running_engine::~running_engine() {
  eng->shutdown();
  eng.reset();
  sys.reset();
  store->close();
}

std::vector<std::string> bulk_open(persistence::store& st, std::size_t n, std::size_t in_flight) {
  domain::splitmix64 rnd{12345};
  actors::system_clock clock;
  const auto partitions = st.options().partitions;
  std::vector<std::string> ids;
  ids.reserve(n);
  std::mutex m;
  std::condition_variable cv;
  std::size_t outstanding = 0;
  std::atomic<std::size_t> failures{0};
  for (std::size_t i = 0; i < n; ++i) {
    auto partition = static_cast<std::uint16_t>(rnd.next() % partitions);
    auto id = domain::make_ulid(clock.now(), partition, rnd).str();
    domain::incident_state empty;
    domain::incident_opened ev;
    ev.id = id;
    ev.tenant = "bench";
    ev.title = "bench incident " + std::to_string(i);
    ev.sev = domain::severity::high;
    ev.source = domain::incident_source::manual;
    ev.at = clock.now();
    persistence::append_request req;
    req.aggregate_id = id;
    req.expected_version = 0;
    req.events = domain::make_envelopes(empty, partition, {ev});
    {
      std::unique_lock<std::mutex> lock{m};
      cv.wait(lock, [&] { return outstanding < in_flight; });
      ++outstanding;
    }
    st.append(std::move(req), [&](persistence::append_result r) {
      if (!r.ok())
        ++failures;
      std::lock_guard<std::mutex> lock{m};
      --outstanding;
      cv.notify_all();
    });
    ids.push_back(std::move(id));
  }
  std::unique_lock<std::mutex> lock{m};
  cv.wait(lock, [&] { return outstanding == 0; });
  if (failures > 0)
    throw std::runtime_error("bulk_open: " + std::to_string(failures.load()) + " appends failed");
  return ids;
}

std::size_t rss_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  std::size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

double quantile(std::vector<double>& v, double q) {
  if (v.empty())
    return 0;
  auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

} // namespace tocsin::bench
