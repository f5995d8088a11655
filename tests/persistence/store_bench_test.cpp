// Throughput probe of group commit (hidden: run with `tocsin-persistence-tests [.bench]`).
// Many aggregates each keep one append in flight, submitting the next from the callback of the
// previous, as incident actors do; prints events/s in durable mode.
#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

using namespace tocsin;
using namespace tocsin::persistence;
using namespace tocsin::persistence::test;

namespace {

void run_bench(sync_mode mode, std::size_t aggregates, std::uint64_t per_aggregate) {
  temp_dir dir;
  auto opts = small_options(dir.path(), 256);
  opts.map_size = std::size_t{4} << 30;
  opts.sync = mode;
  auto opened = store::open(opts);
  REQUIRE(opened.ok());
  store& st = **opened;

  struct chain {
    std::string id;
    std::uint64_t version = 0;
  };
  std::vector<chain> chains(aggregates);
  for (std::size_t i = 0; i < aggregates; ++i)
    chains[i].id = make_id(static_cast<std::uint16_t>(i % 256), i);
  std::atomic<std::size_t> remaining{aggregates};
  std::atomic<std::uint64_t> failures{0};
  std::mutex mu;
  std::condition_variable cv;

  std::function<void(std::size_t)> submit = [&](std::size_t i) {
    auto& c = chains[i];
    st.append(make_append(c.id, c.version), [&, i](append_result r) {
      if (!r.ok())
        ++failures;
      if (++chains[i].version < per_aggregate && r.ok()) {
        submit(i);
      } else if (--remaining == 0) {
        std::lock_guard<std::mutex> lock(mu);
        cv.notify_all();
      }
    });
  };
  const auto start = std::chrono::steady_clock::now();
  // Submitted from two threads, as actors on a scheduler would.
  std::thread other([&] {
    for (std::size_t i = 1; i < aggregates; i += 2)
      submit(i);
  });
  for (std::size_t i = 0; i < aggregates; i += 2)
    submit(i);
  other.join();
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return remaining == 0; });
  }
  const double secs =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto s = st.stats();
  std::printf("%s: %zu aggregates x %llu events: %.0f events/s, %llu commits (%.0f events/commit), "
              "%llu index flushes\n",
              mode == sync_mode::durable ? "durable" : "no_sync", aggregates,
              static_cast<unsigned long long>(per_aggregate), static_cast<double>(s.events) / secs,
              static_cast<unsigned long long>(s.commits),
              static_cast<double>(s.events) / static_cast<double>(s.commits),
              static_cast<unsigned long long>(s.index_flushes));
  CHECK(failures == 0);
  CHECK(s.events == aggregates * per_aggregate);
}

} // namespace

TEST_CASE("group commit throughput", "[.bench][persistence]") {
  run_bench(sync_mode::durable, 2000, 200);
  run_bench(sync_mode::durable, 64, 2000);
  run_bench(sync_mode::no_sync, 2000, 200);
}
