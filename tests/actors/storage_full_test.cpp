// A store whose LMDB map is tiny: through the actor path, writes are refused with storage_full,
// the refused command changes nothing, and every incident acknowledged before stays readable.
#include "actors/engine_fixture.hpp"

using namespace tocsin;
using tocsin::test::engine_fixture;
using tocsin::test::make_open;

TEST_CASE("a full map refuses writes with storage_full; reads and earlier incidents go on") {
  engine_fixture f;
  f.store_opts.map_size = std::size_t{1} << 20; // 1 MiB
  f.store_opts.partitions = 4;
  f.start();
  std::vector<actors::incident_view> acknowledged;
  domain::error refusal;
  for (int i = 0; i < 100'000; ++i) {
    auto o = make_open("filler " + std::to_string(i), domain::severity::warning);
    o.title.append(200, 'x'); // fill the map sooner
    auto r = f.eng->open(o);
    if (!r) {
      refusal = r.err();
      break;
    }
    acknowledged.push_back(*f.eng->get(r->state.id));
  }
  REQUIRE(refusal.code == domain::errc::storage_full);
  CHECK(refusal.message.find("map") != std::string::npos);
  REQUIRE_FALSE(acknowledged.empty());

  // A transition on an existing incident is refused too, and leaves it unchanged.
  const auto& first = acknowledged.front();
  auto ack = f.eng->execute(first.state.id, domain::acknowledge{"op"});
  if (!ack.ok())
    CHECK(ack.err().code == domain::errc::storage_full);
  for (const auto& before : acknowledged) {
    auto now = f.eng->get(before.state.id);
    REQUIRE(now.ok());
    if (before.state.id == first.state.id && ack.ok())
      continue; // a transition that fit in the last free page is allowed to succeed
    CHECK(now->state == before.state);
    CHECK(now->history.size() == before.history.size());
  }
  persistence::incident_filter all;
  all.tenant = "acme";
  all.page_size = 1000;
  CHECK(f.store->list_incidents(all).ok()); // reads go on
}
