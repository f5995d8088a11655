// The feedback service on real LMDB and real actors: resolved incidents (also redelivered
// across a restart), runtime signal spans and log records, error spans folded per artifact and
// window, and quality scores as the documented formula says.
#include "feedback_fixture.hpp"

#include "actors/notification_record.hpp"
#include "persistence/feedback_index.hpp"

using namespace tocsin;
using namespace tocsin::test;
using namespace std::chrono_literals;

namespace {

constexpr domain::timestamp sec = domain::nanos_per_second;

std::vector<domain::feedback_item> list_all(feedback_fixture& f, const std::string& tenant) {
  persistence::feedback_filter filter;
  filter.tenant = tenant;
  auto page = persistence::list_feedback(*f.store, *f.topic, filter);
  REQUIRE(page.ok());
  return page->items;
}

std::string resolve_incident(feedback_fixture& f) {
  domain::open_incident o;
  o.tenant = "acme";
  o.title = "Checkout down";
  o.sev = domain::severity::high;
  o.cat = domain::category::performance;
  o.attr = {"artifact-1", "agent-1", "skill-1", "trace-1"};
  auto opened = f.eng->open(o);
  REQUIRE(opened.ok());
  const std::string id = opened->state.id;
  REQUIRE(f.eng->execute(id, domain::acknowledge{"alice"}).ok());
  REQUIRE(f.eng->execute(id, domain::begin_investigation{"alice"}).ok());
  REQUIRE(f.eng->execute(id, domain::resolve{"cache stampede", "alice"}).ok());
  return id;
}

domain::span_record signal_span(std::uint8_t n, std::string cat, std::string sent) {
  domain::span_record s;
  s.trace_id.fill(0);
  s.trace_id[15] = n;
  s.span_id.fill(0);
  s.span_id[7] = n;
  s.service_name = "planner";
  s.span_name = "answer";
  s.start_unix_nano = 1'700'000'000ull * 1'000'000'000ull;
  s.end_unix_nano = s.start_unix_nano + 1'000'000;
  s.artifact_id = "art-" + std::to_string(n);
  s.agent_id = "agent-1";
  s.skill_id = "skill-1";
  s.feedback_category = std::move(cat);
  s.feedback_sentiment = std::move(sent);
  return s;
}

domain::span_record error_span(const std::string& artifact, domain::timestamp end,
                               std::uint8_t n) {
  auto s = signal_span(n, "", "");
  s.artifact_id = artifact;
  s.status_code = domain::status_code::error;
  s.start_unix_nano = static_cast<std::uint64_t>(end - sec / 10);
  s.end_unix_nano = static_cast<std::uint64_t>(end);
  return s;
}

} // namespace

TEST_CASE("resolving an incident creates exactly one attributed feedback item, also when "
          "IncidentResolved is redelivered across a restart",
          "[feedback][resolved]") {
  feedback_fixture f;
  f.start();
  const std::string id = resolve_incident(f);
  REQUIRE(eventually([&] { return f.svc->stats().created == 1; }));
  auto items = list_all(f, "acme");
  REQUIRE(items.size() == 1);
  const auto it = items[0];
  CHECK(it.id == domain::feedback_id("acme", domain::feedback_source::incident, id));
  CHECK(it.source == domain::feedback_source::incident);
  CHECK(it.source_id == id);
  CHECK(it.cat == domain::category::performance);
  CHECK(it.sent == domain::sentiment::negative);
  CHECK(it.artifact_id == "artifact-1");
  CHECK(it.agent_id == "agent-1");
  CHECK(it.skill_id == "skill-1");
  CHECK(it.trace_id == "trace-1");
  CHECK(it.summary.find("cache stampede") != std::string::npos);
  CHECK(it.created_at == f.clock.now());
  // The quality of each subject moved with the item.
  REQUIRE(f.quality("acme").size() == 3);

  // Restart with every cursor back at 0: IncidentResolved is consumed again.
  f.stop();
  {
    auto st = persistence::store::open(f.store_opts);
    REQUIRE(st.ok());
    std::vector<persistence::kv_op> ops;
    for (std::uint32_t p = 0; p < f.store_opts.partitions; ++p)
      ops.push_back({persistence::kv_db::cursors, persistence::kv_op::put,
                     actors::cursor_key("feedback", p), actors::encode_cursor(0)});
    REQUIRE((*st)->write_sync(std::move(ops)).code == domain::errc::ok);
    (*st)->close();
  }
  f.clock.advance(60 * sec);
  f.start();
  REQUIRE(eventually([&] { return f.svc->stats().resolved == 1; }));
  const auto s = f.svc->stats();
  CHECK(s.created == 0);
  CHECK(s.duplicates == 1);
  items = list_all(f, "acme");
  REQUIRE(items.size() == 1);
  CHECK(items[0] == it); // the original, not a second copy with a later time
  const auto rows = f.quality("acme", "artifact");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].items == 1); // loaded back at start, not counted twice
  CHECK(rows[0].score == Approx(100.0 / 3).margin(0.01)); // decayed by one minute only
}

TEST_CASE("the journal consumer resumes from its cursor after a restart", "[feedback][resolved]") {
  feedback_fixture f;
  f.start();
  resolve_incident(f);
  REQUIRE(eventually([&] { return f.svc->stats().created == 1; }));
  f.reopen();
  const std::string second = resolve_incident(f);
  REQUIRE(eventually([&] { return f.svc->stats().created == 1; }));
  CHECK(f.svc->stats().resolved == 1); // only the new event was read
  CHECK(list_all(f, "acme").size() == 2);
}

TEST_CASE("runtime signal spans and log records create feedback items with their attribution",
          "[feedback][signals]") {
  feedback_fixture f;
  f.start();
  std::vector<domain::span_record> spans{signal_span(1, "correctness", "negative"),
                                         signal_span(2, "performance", "positive"),
                                         signal_span(3, "vibes", "negative")}; // invalid word
  domain::log_record rec;
  rec.service_name = "planner";
  rec.body = "user said the plan was wrong";
  rec.record_uid = "uid-77";
  rec.feedback_category = "correctness";
  rec.feedback_sentiment = "-1";
  rec.artifact_id = "art-log";
  rec.agent_id = "agent-2";
  rec.skill_id = "skill-9";
  rec.trace_id.fill(0xab);
  f.svc->signals("acme", spans, {rec});
  REQUIRE(eventually([&] { return f.svc->stats().created == 3; }));
  CHECK(f.svc->stats().signals == 4);
  CHECK(f.svc->stats().invalid_signals == 1);

  auto one = persistence::get_feedback(*f.store, *f.topic,
                                       domain::feedback_id("acme", domain::feedback_source::signal,
                                                           domain::to_hex(spans[0].trace_id) + "/" +
                                                             domain::to_hex(spans[0].span_id)));
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK((*one)->cat == domain::category::correctness);
  CHECK((*one)->sent == domain::sentiment::negative);
  CHECK((*one)->artifact_id == "art-1");
  CHECK((*one)->agent_id == "agent-1");
  CHECK((*one)->skill_id == "skill-1");
  CHECK((*one)->trace_id == domain::to_hex(spans[0].trace_id));

  auto log_item = persistence::get_feedback(
    *f.store, *f.topic, domain::feedback_id("acme", domain::feedback_source::signal, "uid-77"));
  REQUIRE(log_item.ok());
  REQUIRE(log_item->has_value());
  CHECK((*log_item)->artifact_id == "art-log");
  CHECK((*log_item)->agent_id == "agent-2");
  CHECK((*log_item)->skill_id == "skill-9");
  CHECK((*log_item)->trace_id == domain::to_hex(rec.trace_id));
  CHECK((*log_item)->summary == "planner: user said the plan was wrong");

  // The same signals again (an SDK retry): no new item.
  f.svc->signals("acme", spans, {rec});
  REQUIRE(eventually([&] { return f.svc->stats().duplicates == 3; }));
  CHECK(f.svc->stats().created == 3);
  CHECK(list_all(f, "acme").size() == 3);
  CHECK(list_all(f, "other").empty());
}

TEST_CASE("error spans of an artifact are folded into one item per window", "[feedback][fold]") {
  feedback_fixture f;
  f.fb_opts.error_window = 60 * sec;
  f.fb_opts.error_lateness = 10 * sec;
  const domain::timestamp w0 = 1'700'000'040 * sec; // a multiple of 60 s
  f.clock.set(w0 + 5 * sec);
  f.start();
  f.svc->signals("acme", {error_span("art-1", w0 + 1 * sec, 1), error_span("art-1", w0 + 30 * sec, 2),
                          error_span("art-2", w0 + 2 * sec, 3)},
                 {});
  REQUIRE(eventually([&] { return f.svc->stats().error_spans == 3; }));
  // Not yet over (window end + lateness = w0 + 70 s): nothing emitted.
  f.clock.set(w0 + 69 * sec);
  std::this_thread::sleep_for(100ms);
  CHECK(f.svc->stats().folds == 0);
  f.clock.set(w0 + 71 * sec);
  REQUIRE(eventually([&] { return f.svc->stats().created == 2; }));
  CHECK(f.svc->stats().folds == 2);

  persistence::feedback_filter filter;
  filter.tenant = "acme";
  filter.artifact_id = "art-1";
  auto page = persistence::list_feedback(*f.store, *f.topic, filter);
  REQUIRE(page.ok());
  REQUIRE(page->items.size() == 1);
  const auto it = page->items[0];
  CHECK(it.source == domain::feedback_source::signal);
  CHECK(it.source_id == "art-1@" + std::to_string(w0));
  CHECK(it.summary == "2 spans of artifact art-1 failed");
  CHECK(it.cat == domain::category::reliability);
  CHECK(it.sent == domain::sentiment::negative);
  CHECK(it.agent_id == "agent-1");
  CHECK(it.trace_id == domain::to_hex(error_span("art-1", w0, 1).trace_id));

  // A late error of the first window: the same identity, no new item. One in the next window: a
  // second item for art-1.
  f.svc->signals("acme", {error_span("art-1", w0 + 50 * sec, 4), error_span("art-1", w0 + 61 * sec, 5)},
                 {});
  REQUIRE(eventually([&] { return f.svc->stats().duplicates == 1; }));
  f.clock.set(w0 + 131 * sec);
  REQUIRE(eventually([&] { return f.svc->stats().created == 3; }));
  page = persistence::list_feedback(*f.store, *f.topic, filter);
  REQUIRE(page.ok());
  REQUIRE(page->items.size() == 2);
  CHECK(page->items[0].source_id == "art-1@" + std::to_string(w0 + 60 * sec)); // newest first
  CHECK(page->items[0].summary == "1 span of artifact art-1 failed");
  CHECK(page->items[1].source_id == it.source_id);
}

TEST_CASE("quality scores move as the documented formula says", "[feedback][quality]") {
  feedback_fixture f;
  const domain::timestamp t0 = 1'700'000'000 * sec;
  f.clock.set(t0);
  f.start();
  auto item = [&](std::string source_id, domain::sentiment s, domain::category c) {
    domain::feedback_item it;
    it.tenant = "acme";
    it.source = domain::feedback_source::cost;
    it.source_id = std::move(source_id);
    it.sent = s;
    it.cat = c;
    it.artifact_id = "art-1";
    it.agent_id = "agent-1";
    it.created_at = t0;
    return it;
  };
  CHECK(f.quality("acme").empty());
  REQUIRE(f.create(item("a", domain::sentiment::negative, domain::category::reliability)).code ==
          domain::errc::ok);
  auto rows = f.quality("acme", "artifact");
  REQUIRE(rows.size() == 1);
  // prior 2, weight 1, value 0: 100 * (2 * 0.5 + 0) / (2 + 1) = 33.33
  CHECK(rows[0].id == "art-1");
  CHECK(rows[0].score == Approx(100.0 / 3));
  CHECK(rows[0].items == 1);
  CHECK(rows[0].negative == 1);

  // A duplicate moves nothing.
  REQUIRE(f.create(item("a", domain::sentiment::positive, domain::category::reliability)).code ==
          domain::errc::ok);
  CHECK(f.quality("acme", "artifact")[0].score == Approx(100.0 / 3));
  CHECK(f.svc->stats().duplicates == 1);

  // Positive cost feedback (weight 0.5): 100 * (1 + 0.5) / (2 + 1.5) = 42.86
  REQUIRE(f.create(item("b", domain::sentiment::positive, domain::category::cost)).code ==
          domain::errc::ok);
  rows = f.quality("acme");
  REQUIRE(rows.size() == 2); // agent-1 and art-1; no skill
  CHECK(rows[0].kind == domain::subject_kind::agent);
  CHECK(rows[1].kind == domain::subject_kind::artifact);
  for (const auto& r : rows) {
    CHECK(r.score == Approx(150.0 / 3.5));
    CHECK(r.items == 2);
    CHECK(r.positive == 1);
    CHECK(r.last_at == t0);
  }
  // One half-life (7 days) later both weights halve: 100 * (1 + 0.25) / (2 + 0.75) = 45.45
  f.clock.set(t0 + 7 * 86400 * sec);
  CHECK(f.quality("acme", "agent")[0].score == Approx(125.0 / 2.75));
  CHECK(f.quality("other").empty());

  // Loaded back after a restart: the same state.
  f.reopen();
  rows = f.quality("acme", "artifact");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].score == Approx(125.0 / 2.75));
  CHECK(rows[0].items == 2);

  // Unknown kind words are refused; items without a tenant or source id too.
  caf::scoped_actor self{*f.sys};
  bool refused = false;
  self->request(f.svc->actor(), 10s, actors::quality_atom::value, std::string("acme"),
                std::string("team"))
    .receive([](actors::quality_rows&) {}, [&](caf::error&) { refused = true; });
  CHECK(refused);
  CHECK(f.create(item("", domain::sentiment::negative, domain::category::cost)).code ==
        domain::errc::invalid_argument);
}
