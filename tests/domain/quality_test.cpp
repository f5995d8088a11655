// Quality scores follow the documented formula: prior, sentiment values, category weights, decay.
#include "domain/quality.hpp"

#include <catch2/catch.hpp>

using namespace tocsin::domain;

namespace {

feedback_item item(sentiment s, category c, timestamp at) {
  feedback_item it;
  it.sent = s;
  it.cat = c;
  it.created_at = at;
  return it;
}

constexpr timestamp day = 86400 * nanos_per_second;

} // namespace

TEST_CASE("a subject without feedback scores 50") {
  quality_config cfg;
  quality_accumulator q;
  CHECK(q.score(0, cfg) == Approx(50));
}

TEST_CASE("scores match hand-computed values of the formula") {
  quality_config cfg; // prior 2, reliability weight 1, cost weight 0.5, half-life 7 d
  quality_accumulator q;
  q.add(item(sentiment::negative, category::reliability, 0), cfg);
  // 100 * (2 * 0.5 + 1 * 0) / (2 + 1) = 33.33
  CHECK(q.score(0, cfg) == Approx(100.0 / 3));
  q.add(item(sentiment::positive, category::cost, 0), cfg);
  // 100 * (1 + 0.5 * 1) / (2 + 1.5) = 42.857
  CHECK(q.score(0, cfg) == Approx(150.0 / 3.5));
  // One half-life later both weights halve: 100 * (1 + 0.25) / (2 + 0.75) = 45.45
  CHECK(q.score(7 * day, cfg) == Approx(125.0 / 2.75));
  CHECK(q.items() == 2);
  CHECK(q.negative() == 1);
  CHECK(q.positive() == 1);
}

TEST_CASE("bad news lowers and good news raises the score; old news fades") {
  quality_config cfg;
  quality_accumulator q;
  for (int i = 0; i < 5; ++i)
    q.add(item(sentiment::negative, category::correctness, i * nanos_per_second), cfg);
  const double low = q.score(5 * nanos_per_second, cfg);
  CHECK(low < 20);
  CHECK(q.score(60 * day, cfg) > 49); // two months later it is nearly forgotten
  q.add(item(sentiment::positive, category::correctness, 6 * nanos_per_second), cfg);
  CHECK(q.score(6 * nanos_per_second, cfg) > low);
}

TEST_CASE("the score does not depend on the order items arrive in") {
  quality_config cfg;
  quality_accumulator forward, backward;
  std::vector<feedback_item> items = {item(sentiment::negative, category::reliability, 1 * day),
                                      item(sentiment::positive, category::performance, 3 * day),
                                      item(sentiment::neutral, category::cost, 5 * day)};
  for (const auto& it : items)
    forward.add(it, cfg);
  for (auto it = items.rbegin(); it != items.rend(); ++it)
    backward.add(*it, cfg);
  CHECK(forward.score(10 * day, cfg) == Approx(backward.score(10 * day, cfg)).epsilon(1e-12));
}
