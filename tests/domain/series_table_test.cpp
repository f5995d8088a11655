// series_table: folding keyed observations, cumulative conversion per source, window
// determinism through the whole adapter + table path, late data, drain for persistence,
// retention of persisted windows, lazy restore and hash collisions.
#include "domain/series_table.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

using namespace tocsin::domain;

namespace {

constexpr timestamp sec = nanos_per_second;
constexpr timestamp ms = nanos_per_milli;
constexpr timestamp t0 = 472'222 * 3600 * sec; // hour-aligned

window_config small_tiers() {
  window_config c;
  c.tiers = {{sec, 10 * sec}, {10 * sec, 60 * sec}, {60 * sec, 600 * sec}};
  c.lateness = 2 * sec;
  c.max_exemplars = 3;
  return c;
}

span_record span(std::string name, timestamp end, timestamp latency, bool error,
                 std::uint8_t trace) {
  span_record s;
  s.service_name = "checkout";
  s.span_name = std::move(name);
  s.kind = span_kind::server;
  s.end_unix_nano = static_cast<std::uint64_t>(end);
  s.start_unix_nano = static_cast<std::uint64_t>(end - latency);
  s.status_code = error ? status_code::error : status_code::ok;
  s.trace_id[0] = trace;
  s.span_id[0] = static_cast<std::uint8_t>(trace + 1);
  return s;
}

void fold_all(series_table& t, telemetry_items items, timestamp now = t0) {
  for (auto& s : items.series) t.fold(s, now);
}

void require_same(series_table& a, series_table& b, const series_key& k) {
  const auto h = series_hash(k);
  auto* x = a.find(k, h);
  auto* y = b.find(k, h);
  REQUIRE(x);
  REQUIRE(y);
  REQUIRE(x->windows.open_windows() == y->windows.open_windows());
  for (std::size_t i = 0; i < a.config().tiers.size(); ++i)
    REQUIRE(x->windows.tier_windows(i) == y->windows.tier_windows(i));
  REQUIRE(x->windows.closed_until() == y->windows.closed_until());
  REQUIRE(x->windows.late() == y->windows.late());
}

using window_set = std::map<std::tuple<std::uint64_t, duration, timestamp>, window_value>;

window_set closed_of(const std::vector<series_changes>& cs) {
  window_set out;
  for (const auto& c : cs)
    for (const auto& w : c.closed) out[{c.entry->hash, w.resolution, w.start}] = w.value;
  return out;
}

// A real series_source over what drain handed out: what the LMDB layout does, in memory.
class memory_source final : public series_source {
public:
  void keep(const std::vector<series_changes>& cs) {
    for (const auto& c : cs) {
      auto& p = saved_[canonical_encoding(c.entry->key)];
      p.found = true;
      p.slot = c.entry->slot;
      for (const auto& w : c.closed) p.windows.push_back(w);
      for (const auto& x : c.expired)
        p.windows.erase(std::remove_if(p.windows.begin(), p.windows.end(),
                                       [&](const closed_window& w) {
                                         return w.resolution == x.resolution && w.start == x.start;
                                       }),
                        p.windows.end());
      if (c.meta) p.meta = *c.meta;
    }
  }
  persisted_series load(const series_key& key, std::uint64_t) override {
    ++loads;
    auto it = saved_.find(canonical_encoding(key));
    return it == saved_.end() ? persisted_series{} : it->second;
  }
  std::size_t windows(const series_key& key, duration resolution) {
    const auto& ws = saved_[canonical_encoding(key)].windows;
    return static_cast<std::size_t>(std::count_if(ws.begin(), ws.end(), [&](const auto& w) {
      return w.resolution == resolution;
    }));
  }
  int loads = 0;

private:
  std::map<std::string, persisted_series> saved_;
};

} // namespace

TEST_CASE("folded spans answer range sums", "[series_table]") {
  series_table t{small_tiers()};
  span_batch b;
  for (int i = 0; i < 10; ++i) b.spans.push_back(span("pay", t0 + i * 100 * ms, 5 * ms, i < 3, 1));
  fold_all(t, observe_spans("acme", {b}));
  const auto k = span_series("acme", "checkout", "pay", span_kind::server);
  auto r = t.sum(k, series_hash(k), t0, t0 + sec, t0);
  CHECK(r.known);
  CHECK(r.value.calls == 10);
  CHECK(r.value.errors == 3);
  CHECK(r.value.sum == 50 * ms);
  CHECK(r.value.exemplars.size() == 3); // one per error span (they differ by `at`)
  const auto other = span_series("acme", "checkout", "refund", span_kind::server);
  CHECK_FALSE(t.sum(other, series_hash(other), t0, t0 + sec, t0).known);
  CHECK(t.size() == 2); // the query left an empty series behind (no reload next time)
}

TEST_CASE("cumulative points become deltas per series and sender", "[series_table]") {
  series_table t{small_tiers()};
  auto send = [&](std::string source, timestamp at, double value, timestamp start = t0) {
    keyed_observations ko;
    ko.key = metric_series("acme", "bytes", {});
    ko.hash = series_hash(ko.key);
    ko.source = std::move(source);
    ko.cumulative.push_back({start, at, value, 0, false});
    return t.fold(ko, at);
  };
  send("a", t0 + 1 * sec, 100);   // baseline
  send("b", t0 + 1 * sec, 5000);  // another sender's baseline
  send("a", t0 + 2 * sec, 130);   // +30
  send("b", t0 + 2 * sec, 5001);  // +1
  send("a", t0 + 2 * sec, 999);   // not newer: ignored
  send("a", t0 + 3 * sec, 10, t0 + 2500 * ms); // reset: +10
  const auto k = metric_series("acme", "bytes", {});
  auto r = t.sum(k, series_hash(k), t0, t0 + 4 * sec, t0);
  CHECK(r.value.calls == 3);
  CHECK(from_fixed(r.value.sum) == Approx(41));
}

TEST_CASE("cumulative histograms convert count and sum together", "[series_table]") {
  series_table t{small_tiers()};
  auto send = [&](timestamp at, double count, double sum, timestamp start = t0) {
    keyed_observations ko;
    ko.key = metric_series("acme", "latency", {});
    ko.hash = series_hash(ko.key);
    ko.cumulative.push_back({start, at, count, sum, true});
    t.fold(ko, at);
  };
  send(t0 + sec, 10, 1.0);
  send(t0 + 2 * sec, 15, 0.5);                  // 5 more events; the sum went down (negatives)
  send(t0 + 3 * sec, 4, 2.0, t0 + 2500 * ms);   // restarted: 4 events, sum 2.0
  const auto k = metric_series("acme", "latency", {});
  auto r = t.sum(k, series_hash(k), t0, t0 + 4 * sec, t0);
  CHECK(r.value.calls == 9);
  CHECK(from_fixed(r.value.sum) == Approx(-0.5 + 2.0));
}

TEST_CASE("adapter + table: identical windows for any order and batch split within the "
          "lateness", "[series_table][property]") {
  std::mt19937_64 rng(424242);
  const auto cfg = small_tiers();
  const char* names[] = {"GET /a", "GET /b", "POST /c"};
  std::vector<span_record> spans;
  std::uniform_int_distribution<timestamp> when(0, 60 * sec);
  for (int i = 0; i < 1500; ++i)
    spans.push_back(span(names[rng() % 3], t0 + when(rng), static_cast<timestamp>(rng() % 900) * ms,
                         rng() % 6 == 0, static_cast<std::uint8_t>(rng() % 200)));
  // Reference: in time order, one batch.
  auto ordered = spans;
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.end_unix_nano < b.end_unix_nano;
  });
  series_table ref{cfg};
  fold_all(ref, observe_spans("acme", {span_batch{"", ordered}}));
  ref.advance(t0 + 100 * sec);
  const auto ref_closed = closed_of(ref.drain());
  REQUIRE_FALSE(ref_closed.empty());
  std::uniform_int_distribution<timestamp> jitter(0, cfg.lateness - 1);
  for (int perm = 0; perm < 20; ++perm) {
    // Never more than the lateness behind the newest seen: sorted by time + jitter.
    std::vector<std::pair<timestamp, span_record>> keyed;
    for (const auto& s : spans)
      keyed.emplace_back(static_cast<timestamp>(s.end_unix_nano) + jitter(rng), s);
    std::sort(keyed.begin(), keyed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    series_table t{cfg};
    std::vector<series_changes> drained;
    window_set closed;
    for (std::size_t i = 0; i < keyed.size();) {
      // A request of one or more resource batches.
      std::vector<span_batch> request(1 + rng() % 3);
      for (auto& b : request)
        for (std::size_t n = 1 + rng() % 50; n > 0 && i < keyed.size(); --n)
          b.spans.push_back(keyed[i++].second);
      auto items = observe_spans("acme", std::move(request));
      for (auto& s : items.series) REQUIRE(t.fold(s, t0).late == 0);
      if (rng() % 4 == 0) closed.merge(closed_of(t.drain())); // drains along the way
    }
    t.advance(t0 + 100 * sec);
    closed.merge(closed_of(t.drain()));
    for (const char* n : names)
      require_same(ref, t, span_series("acme", "checkout", n, span_kind::server));
    REQUIRE(closed == ref_closed);
  }
}

TEST_CASE("data older than watermark - lateness is counted late and dropped", "[series_table]") {
  series_table t{small_tiers()};
  span_batch b;
  b.spans = {span("pay", t0 + 10 * sec, ms, false, 1)};
  fold_all(t, observe_spans("acme", {b}));
  b.spans = {span("pay", t0 + 7 * sec, ms, false, 1), span("pay", t0 + 9 * sec, ms, false, 1)};
  auto items = observe_spans("acme", {b});
  auto r = t.fold(items.series[0], t0);
  CHECK(r.late == 1);
  CHECK(r.folded == 1);
  CHECK(r.entry->windows.late() == 1);
}

TEST_CASE("drain hands out key, meta, closed windows and expired windows once",
          "[series_table]") {
  series_table t{small_tiers()};
  span_batch b;
  for (int i = 0; i < 30; ++i) b.spans.push_back(span("pay", t0 + i * sec, ms, false, 1));
  fold_all(t, observe_spans("acme", {b}));
  auto first = t.drain();
  REQUIRE(first.size() == 1);
  CHECK(first[0].write_key);
  REQUIRE(first[0].meta);
  // Watermark t0 + 29 s, lateness 2 s: 27 fine windows closed, two 10 s roll-ups.
  CHECK(std::count_if(first[0].closed.begin(), first[0].closed.end(),
                      [](const auto& w) { return w.resolution == sec; })
        == 27);
  CHECK(std::count_if(first[0].closed.begin(), first[0].closed.end(),
                      [](const auto& w) { return w.resolution == 10 * sec; })
        == 2);
  // Fine windows older than closed_until - 10 s left retention on their way out.
  CHECK(first[0].expired.size() == 17);
  CHECK(first[0].expired.front() == expired_window{sec, t0});
  CHECK(t.drain().empty()); // nothing new, frontier unmoved
  t.advance(t0 + 31 * sec); // closes two more fine windows
  auto second = t.drain();
  REQUIRE(second.size() == 1);
  CHECK_FALSE(second[0].write_key);
  CHECK(second[0].closed.size() == 2);
  CHECK(second[0].expired.size() == 2);
  CHECK(t.windows_closed() == 31);
}

TEST_CASE("an idle series persists its moving frontier only every meta_every",
          "[series_table]") {
  series_table t{small_tiers()};
  span_batch b;
  b.spans = {span("pay", t0, ms, false, 1)};
  fold_all(t, observe_spans("acme", {b}));
  t.advance(t0 + 5 * sec);
  REQUIRE(t.drain().size() == 1); // first drain: key + meta + the closed window
  t.advance(t0 + 8 * sec);
  CHECK(t.drain().empty());
  t.advance(t0 + 20 * sec);
  auto later = t.drain();
  REQUIRE(later.size() == 1);
  REQUIRE(later[0].meta);
  CHECK(later[0].meta->closed_until == t0 + 18 * sec);
}

TEST_CASE("a series restores lazily from its source, the lost open window is a gap",
          "[series_table]") {
  memory_source src;
  const auto k = span_series("acme", "checkout", "pay", span_kind::server);
  {
    series_table t{small_tiers(), &src};
    span_batch b;
    for (int i = 0; i < 8; ++i) b.spans.push_back(span("pay", t0 + i * sec, ms, i == 2, 1));
    fold_all(t, observe_spans("acme", {b}));
    src.keep(t.drain()); // closed through t0 + 5 s; [t0 + 5 s, t0 + 8 s) still open: lost
  }
  src.loads = 0;
  series_table t{small_tiers(), &src};
  const timestamp now = t0 + 9 * sec;
  auto old = t.sum(k, series_hash(k), t0, t0 + 5 * sec, now);
  CHECK(old.known);
  CHECK(old.complete);
  CHECK(old.value.calls == 5);
  CHECK(old.value.errors == 1);
  auto lost = t.sum(k, series_hash(k), t0 + 5 * sec, t0 + 6 * sec, now);
  CHECK_FALSE(lost.complete); // stale, never healthy
  CHECK(src.loads == 1);
  t.sum(k, series_hash(k), t0, t0 + sec, now);
  CHECK(src.loads == 1); // loaded once
  // The gap is part of the meta handed out next, so it survives another restart.
  auto changes = t.drain();
  REQUIRE(changes.size() == 1);
  REQUIRE(changes[0].meta);
  CHECK_FALSE(changes[0].meta->gaps.empty());
}

TEST_CASE("restored windows past retention are expired at the next drain", "[series_table]") {
  memory_source src;
  const auto k = span_series("acme", "checkout", "pay", span_kind::server);
  {
    series_table t{small_tiers(), &src};
    span_batch b;
    for (int i = 0; i < 6; ++i) b.spans.push_back(span("pay", t0 + i * sec, ms, false, 1));
    fold_all(t, observe_spans("acme", {b}));
    t.advance(t0 + 8 * sec);
    src.keep(t.drain());
  }
  REQUIRE(src.windows(k, sec) == 6);
  REQUIRE(src.windows(k, 10 * sec) == 0); // [t0, t0 + 10 s) was still rolling up
  series_table t{small_tiers(), &src};
  auto r = t.sum(k, series_hash(k), t0, t0 + 10 * sec, t0 + 40 * sec); // restore + catch up
  CHECK(r.value.calls == 6);
  src.keep(t.drain());
  CHECK(src.windows(k, sec) == 0);      // 1 s windows are kept 10 s
  CHECK(src.windows(k, 10 * sec) == 1); // the roll-up completed (rebuilt from them) and stays
}

TEST_CASE("different keys with the same hash are different series", "[series_table]") {
  series_table t{small_tiers()};
  const std::uint64_t same = 12345;
  keyed_observations a, b;
  a.key = span_series("acme", "x", "op", span_kind::server);
  b.key = span_series("acme", "y", "op", span_kind::server);
  a.hash = b.hash = same;
  a.observations = {span_observation(t0, ms, false)};
  b.observations = {span_observation(t0, ms, true), span_observation(t0, ms, true)};
  t.fold(a, t0);
  t.fold(b, t0);
  CHECK(t.size() == 2);
  CHECK(t.sum(a.key, same, t0, t0 + sec, t0).value.calls == 1);
  CHECK(t.sum(b.key, same, t0, t0 + sec, t0).value.errors == 2);
}
