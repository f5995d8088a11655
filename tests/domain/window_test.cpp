// Windows: determinism under any order and batch split within the lateness, late data,
// roll-ups and retention, range sums, the codec, restore after a restart.
#include "domain/window.hpp"
#include "domain/window_codec.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using namespace tocsin::domain;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp ms = nanos_per_milli;
constexpr timestamp t0 = 472'222 * 3600 * sec; // 2023-11-14T22:00:00Z, hour-aligned

exemplar ex(std::string trace, timestamp at = 0) {
  exemplar e;
  e.trace_id = std::move(trace);
  e.span_id = "s";
  e.at = at;
  return e;
}

window_config small_tiers() {
  window_config c;
  c.tiers = {{sec, 10 * sec}, {10 * sec, 60 * sec}, {60 * sec, 600 * sec}};
  c.lateness = 2 * sec;
  return c;
}

// Everything that must be identical between two stores fed the same multiset.
void require_same(const window_store& a, const window_store& b) {
  REQUIRE(a.open_windows() == b.open_windows());
  for (std::size_t i = 0; i < a.config().tiers.size(); ++i)
    REQUIRE(a.tier_windows(i) == b.tier_windows(i));
  REQUIRE(a.late() == b.late());
  REQUIRE(a.closed_until() == b.closed_until());
}

// Closing order depends on how the watermark moved; the set of closed windows must not.
std::vector<closed_window> sorted(std::vector<closed_window> ws) {
  std::sort(ws.begin(), ws.end(), [](const closed_window& a, const closed_window& b) {
    return std::tie(a.resolution, a.start) < std::tie(b.resolution, b.start);
  });
  return ws;
}


} // namespace

TEST_CASE("align_down floors, also before the epoch", "[window]") {
  CHECK(align_down(2500, 1000) == 2000);
  CHECK(align_down(-1, 1000) == -1000);
  CHECK(align_down(-1000, 1000) == -1000);
  CHECK(align_up(2001, 1000) == 3000);
  CHECK(align_up(2000, 1000) == 2000);
}

TEST_CASE("windows are identical for any order and batch split within the lateness",
          "[window][property]") {
  std::mt19937_64 rng(20261128);
  for (int round = 0; round < 20; ++round) {
    auto cfg = small_tiers();
    cfg.lateness = 3 * sec;
    cfg.max_exemplars = 2;
    // Observations spread over at most the lateness, so none is ever late in any order, with
    // a few far-ahead ones that advance the watermark and close windows along the way.
    std::vector<observation> obs;
    const timestamp base = t0 + static_cast<timestamp>(rng() % 1000) * sec;
    std::uniform_int_distribution<timestamp> spread(0, cfg.lateness);
    for (int i = 0; i < 300; ++i) {
      const bool err = rng() % 4 == 0;
      obs.push_back(span_observation(base + spread(rng), static_cast<timestamp>(rng() % 3000) * ms,
                                     err, ex(std::to_string(rng() % 50))));
      obs.back().sum += static_cast<timestamp>(rng() % 7); // exact integer sums
    }
    window_store reference{cfg};
    reference.add_batch(obs);
    REQUIRE(reference.late() == 0);
    for (int perm = 0; perm < 25; ++perm) {
      std::shuffle(obs.begin(), obs.end(), rng);
      window_store s{cfg};
      for (std::size_t i = 0; i < obs.size();) {
        const std::size_t n = 1 + rng() % 40;
        std::vector<observation> batch(obs.begin() + i, obs.begin() + std::min(obs.size(), i + n));
        s.add_batch(batch);
        i += batch.size();
      }
      require_same(reference, s);
      // Closing the rest by watermark gives identical closed windows too.
      window_store r2 = reference;
      r2.advance(base + 100 * sec);
      s.advance(base + 100 * sec);
      require_same(r2, s);
      REQUIRE(sorted(r2.take_closed()) == sorted(s.take_closed()));
    }
  }
}

TEST_CASE("windows are identical for any disorder bounded by the lateness, across closings",
          "[window][property]") {
  // Observations over two minutes arrive in an order where none is ever more than the lateness
  // behind the newest one seen (sorted by time + a jitter in [0, lateness]): windows close,
  // roll up and age out while data arrives, and the result must still not depend on the order.
  std::mt19937_64 rng(7);
  auto cfg = small_tiers();
  cfg.max_exemplars = 3;
  std::vector<observation> obs;
  std::uniform_int_distribution<timestamp> when(0, 120 * sec);
  for (int i = 0; i < 2000; ++i)
    obs.push_back(span_observation(t0 + when(rng), static_cast<timestamp>(rng() % 500) * ms,
                                   rng() % 5 == 0, ex(std::to_string(rng() % 1000))));
  std::optional<window_store> reference;
  std::optional<std::vector<closed_window>> reference_closed;
  std::uniform_int_distribution<timestamp> jitter(0, cfg.lateness);
  for (int perm = 0; perm < 30; ++perm) {
    std::vector<std::pair<timestamp, observation>> keyed;
    for (const auto& o : obs) keyed.emplace_back(o.at + jitter(rng), o);
    std::sort(keyed.begin(), keyed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    window_store s{cfg};
    std::size_t i = 0;
    while (i < keyed.size()) {
      std::vector<observation> batch;
      for (std::size_t n = 1 + rng() % 64; n > 0 && i < keyed.size(); --n)
        batch.push_back(keyed[i++].second);
      REQUIRE(s.add_batch(batch) == 0);
    }
    s.advance(t0 + 200 * sec);
    auto closed = sorted(s.take_closed());
    if (!reference) {
      reference = s;
      reference_closed = closed;
      CHECK(s.sum(t0, t0 + 200 * sec).value.calls == obs.size());
      continue;
    }
    require_same(*reference, s);
    REQUIRE(closed == *reference_closed);
  }
}

TEST_CASE("late data is counted and dropped; data within the lateness is kept", "[window]") {
  auto cfg = small_tiers(); // lateness 2 s
  window_store s{cfg};
  CHECK(s.add(span_observation(t0 + 10 * sec, ms, false)));
  CHECK(s.add(span_observation(t0 + 8 * sec, ms, true)));           // exactly watermark - 2 s
  CHECK_FALSE(s.add(span_observation(t0 + 8 * sec - 1, ms, true))); // 1 ns too late
  CHECK(s.add_batch({span_observation(t0, ms, true), span_observation(t0 + 9 * sec, ms, false)})
        == 1);
  CHECK(s.late() == 2);
  const auto all = s.sum(t0, t0 + 20 * sec);
  CHECK(all.value.calls == 3);
  CHECK(all.value.errors == 1);
  CHECK(s.watermark() == t0 + 10 * sec);
  CHECK(s.closed_until() == t0 + 8 * sec);
}

TEST_CASE("closed windows roll up into coarser tiers and age out by retention", "[window]") {
  window_store s{small_tiers()}; // 1 s x 10 s, 10 s x 60 s, 60 s x 600 s
  // One call per second for 5 minutes, every 10th an error.
  for (int i = 0; i < 300; ++i) s.add(span_observation(t0 + i * sec, ms, i % 10 == 0));
  s.advance(t0 + 302 * sec); // closes everything before t0 + 300 s
  CHECK(s.closed_until() == t0 + 300 * sec);
  // Fine windows: only the last 10 s kept.
  CHECK(s.tier_windows(0).size() == 10);
  CHECK(s.tier_windows(0).begin()->first == t0 + 290 * sec);
  // 10 s roll-ups: the last minute; each holds 10 calls and 1 error.
  REQUIRE(s.tier_windows(1).size() == 6);
  for (const auto& [start, v] : s.tier_windows(1)) {
    CHECK(v.calls == 10);
    CHECK(v.errors == 1);
  }
  // 1 min roll-ups: all five minutes.
  REQUIRE(s.tier_windows(2).size() == 5);
  CHECK(s.tier_windows(2).begin()->second.calls == 60);

  // A range across all three tiers is answered exactly and completely.
  auto whole = s.sum(t0, t0 + 300 * sec);
  CHECK(whole.complete);
  CHECK(whole.value.calls == 300);
  CHECK(whole.value.errors == 30);
  // An unaligned start in the coarse region is widened to whole windows.
  auto widened = s.sum(t0 + 30 * sec, t0 + 300 * sec);
  CHECK(widened.covered_from == t0);
  CHECK(widened.value.calls == 300);
  // Every roll-up that completed was reported for persistence, once.
  auto closed = s.take_closed();
  CHECK(std::count_if(closed.begin(), closed.end(),
                      [](const closed_window& w) { return w.resolution == 60 * sec; })
        == 5);
  CHECK(std::count_if(closed.begin(), closed.end(),
                      [](const closed_window& w) { return w.resolution == sec; })
        == 300);
  CHECK(s.take_closed().empty());

  // Ten minutes later the first minutes are gone from every tier: not covered.
  s.advance(t0 + 700 * sec);
  auto old = s.sum(t0, t0 + 60 * sec);
  CHECK_FALSE(old.complete);
}

TEST_CASE("range sums include open windows after the closed frontier", "[window]") {
  window_store s{small_tiers()};
  s.add(span_observation(t0, ms, true));
  s.add(span_observation(t0 + 5 * sec, ms, false));
  auto r = s.sum(t0, t0 + 6 * sec);
  CHECK(r.value.calls == 2);
  CHECK(r.closed_until == t0 + 3 * sec);
  CHECK(r.complete);
  // The shard pushes its watermark: an idle series' windows close and it stays fresh.
  s.advance(t0 + 60 * sec);
  CHECK(s.closed_until() == t0 + 58 * sec);
  CHECK(s.open_windows().empty());
  r = s.sum(t0 + 50 * sec, t0 + 58 * sec);
  CHECK(r.complete);
  CHECK(r.value.calls == 0);
  s.advance(t0 + 30 * sec); // never backwards
  CHECK(s.watermark() == t0 + 60 * sec);
  window_store empty{small_tiers()};
  CHECK_FALSE(empty.sum(t0, t0 + sec).known);
  CHECK_FALSE(window_store::restore(small_tiers(), {}, empty.meta(), t0).started());
}

TEST_CASE("closed windows and store meta survive the codec", "[window][codec]") {
  closed_window w;
  w.start = t0;
  w.resolution = sec;
  w.value.add(span_observation(t0, 7 * ms, true, ex("abc", t0)), 4);
  w.value.add(span_observation(t0, 70 * sec, false), 4);
  w.value.add(metric_observation(t0, -2.5), 4);
  w.value.exemplars[0].value = 0.007;
  w.value.exemplars[0].artifact_id = "art-1";
  const std::string bytes = encode(w);
  auto back = decode_closed_window(bytes);
  REQUIRE(back.ok());
  CHECK(*back == w);
  CHECK(bytes.size() < 80);
  for (std::size_t n = 0; n < bytes.size(); ++n)
    CHECK(decode_closed_window(bytes.substr(0, n)).err().code == errc::corrupt_record);
  CHECK_FALSE(decode_closed_window(bytes + "x").ok());

  closed_window negative;
  negative.start = -5 * sec;
  negative.resolution = 3600 * sec;
  negative.value.sum = -123456789;
  CHECK(*decode_closed_window(encode(negative)) == negative);

  store_meta m{t0, t0 - 3600 * sec, 17, {{t0 - 10 * sec, t0 - 5 * sec}}};
  auto mb = decode_store_meta(encode(m));
  REQUIRE(mb.ok());
  CHECK(*mb == m);
  CHECK_FALSE(decode_store_meta(encode(m).substr(1)).ok());
}

TEST_CASE("a restored store keeps its closed windows and reports the lost open window as a gap",
          "[window][restart]") {
  auto cfg = small_tiers();
  window_store before{cfg};
  for (int i = 0; i < 40; ++i) before.add(span_observation(t0 + i * sec, ms, false));
  // The process dies now: windows from closed_until on were open and are lost.
  std::vector<std::string> persisted;
  for (const auto& w : before.take_closed()) persisted.push_back(encode(w));
  const auto meta_bytes = encode(before.meta());

  std::vector<closed_window> windows;
  for (const auto& b : persisted) windows.push_back(*decode_closed_window(b));
  const timestamp resumed = t0 + 45 * sec;
  auto after = window_store::restore(cfg, windows, *decode_store_meta(meta_bytes), resumed);
  CHECK(after.closed_until() == before.closed_until());
  CHECK(after.tier_windows(0) == before.tier_windows(0));
  CHECK(after.tier_windows(1) == before.tier_windows(1));
  CHECK(after.tier_windows(2) == before.tier_windows(2));
  REQUIRE(after.gaps().size() == 1);
  CHECK(after.gaps()[0] == gap{before.closed_until(), resumed});

  // Before the gap: complete. Across it: not, even once new data closes windows past it.
  CHECK(after.sum(t0, before.closed_until()).complete);
  for (int i = 45; i < 80; ++i) after.add(span_observation(t0 + i * sec, ms, false));
  CHECK_FALSE(after.sum(t0 + 30 * sec, t0 + 70 * sec).complete);
  CHECK(after.sum(t0 + 60 * sec, t0 + 77 * sec).complete);
  // A start in the 1-minute tier widens to its minute, which holds the gap.
  CHECK_FALSE(after.sum(t0 + 50 * sec, t0 + 77 * sec).complete);
}

TEST_CASE("window configs are validated", "[window]") {
  CHECK(validate(window_config{}).code == errc::ok);
  CHECK(validate(small_tiers()).code == errc::ok);
  auto c = small_tiers();
  c.tiers[2].resolution = 45 * sec;
  CHECK(validate(c).message == "tiers[2].resolution: must be a multiple of the finer tier's");
  c = small_tiers();
  c.tiers[1].resolution = 15 * sec;
  CHECK(validate(c).message
        == "tiers[0].retention: must be >= tiers[1].resolution (roll-ups are built from it)");
  c = small_tiers();
  c.tiers[0].retention = 5 * sec;
  CHECK(validate(c).message.rfind("tiers[0].retention", 0) == 0);
  c = small_tiers();
  c.lateness = -1;
  CHECK(validate(c).code == errc::invalid_argument);
}
