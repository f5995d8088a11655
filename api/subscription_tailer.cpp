// Like the Watch tailer (api/event_tailer.cpp), streams read at their own pace: a slow client's
// stream keeps a bounded backlog and is not read further until it drains, so nothing is dropped
// or reordered. A topic record that does not decode is skipped with a warning (the relays
// dead-letter the same record): one bad record must not stop every consumer of its partition.
#include "api/subscription_tailer.hpp"

#include "api/convert.hpp"
#include "api/journal_read.hpp"
#include "api/service_env.hpp"
#include "api/status.hpp"
#include "persistence/feedback_codec.hpp"
#include "tocsin/v1/governance.pb.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace tocsin::api {

namespace {

constexpr std::size_t max_backlog = 1024;      // events queued per stream before reading pauses
constexpr std::size_t records_per_round = 512; // records read per stream per round
constexpr std::size_t records_per_read = 128;

/// Fills `ev` from a topic record; false (logged) when it does not decode.
bool convert(const std::string& topic, const persistence::topic_record& rec,
             v1::SubscribeEvent& ev) {
  if (topic == "feedback") {
    auto item = persistence::decode_feedback(rec.value);
    if (!item.ok()) {
      spdlog::warn("subscribe: feedback record {}/{} skipped: {}", rec.partition, rec.offset,
                   item.err().message);
      return false;
    }
    ev.set_tenant(item->tenant);
    ev.set_id(item->id);
    persistence::feedback_to_pb(*item, *ev.mutable_feedback());
    return true;
  }
  auto* h = ev.mutable_governance();
  if (!h->ParseFromString(rec.value) || h->id().empty()) {
    spdlog::warn("subscribe: governance record {}/{} skipped: not a GovernanceHandoff",
                 rec.partition, rec.offset);
    return false;
  }
  ev.set_tenant(h->tenant());
  ev.set_id(h->id());
  return true;
}

} // namespace

subscription_channel::subscription_channel(subscription_view view, partition_offsets next,
                                           api_counters& counters)
  : stream_channel({&counters.subscribe_streams, &counters.subscribe_events}),
    view_(std::move(view)), next_(std::move(next)) {}

subscription_tailer::subscription_tailer(persistence::store& st, persistence::topic_log* feedback,
                                         persistence::topic_log* governance)
  : store_(st), feedback_(feedback), governance_(governance),
    streams_(st, [this](const stream_tailer<subscription_channel>::streams& open) {
      bool more = false;
      for (auto& s : open)
        more = pump(*s) || more;
      return more;
    }) {}

subscription_tailer::~subscription_tailer() { stop(); }

bool subscription_tailer::serves(const std::string& topic) const {
  if (topic == "feedback")
    return feedback_ != nullptr;
  if (topic == "governance")
    return governance_ != nullptr;
  return topic == "incidents";
}

void subscription_tailer::start() { streams_.start(); }

void subscription_tailer::add(std::shared_ptr<subscription_channel> ch) {
  streams_.add(std::move(ch));
}

void subscription_tailer::stop() { streams_.stop(); }

bool subscription_tailer::pump(subscription_channel& ch) {
  if (ch.finished() || ch.backlog() >= max_backlog)
    return false;
  std::vector<v1::SubscribeEvent> batch;
  std::size_t budget = records_per_round;
  const auto& topic = ch.view().topic;
  bool ok = true;
  if (topic == "incidents")
    ok = pump_journal(ch, batch, budget);
  else
    ok = pump_topic(ch, topic == "feedback" ? *feedback_ : *governance_, batch, budget);
  if (!batch.empty())
    ch.push(std::move(batch));
  return ok && budget == 0;
}

bool subscription_tailer::pump_journal(subscription_channel& ch,
                                       std::vector<v1::SubscribeEvent>& out,
                                       std::size_t& budget) {
  auto& next = ch.next();
  auto err = read_journal(store_, next, journal_end(store_), budget, records_per_read,
                          [&](const persistence::journal_record& rec) {
                            if (!ch.view().sees(rec.env.tenant))
                              return;
                            auto& ev = out.emplace_back();
                            ev.set_topic("incidents");
                            ev.set_tenant(rec.env.tenant);
                            ev.set_id(rec.env.event_id);
                            ev.set_partition(rec.partition);
                            ev.set_partition_offset(rec.offset);
                            to_proto(rec.env, *ev.mutable_incident_event());
                            ev.set_offset(encode_offsets(next));
                          });
  if (err.code != domain::errc::ok) {
    ch.finish(to_status(err));
    return false;
  }
  return true;
}

bool subscription_tailer::pump_topic(subscription_channel& ch, persistence::topic_log& log,
                                     std::vector<v1::SubscribeEvent>& out, std::size_t& budget) {
  auto& next = ch.next();
  for (std::uint32_t p = 0; p < next.size() && budget > 0; ++p) {
    // end() is an in-memory hint (it counts appends still in flight, which read() holds back):
    // a caught-up partition costs no store read.
    auto end = log.end(p);
    if (end.ok() && next[p] >= *end)
      continue;
    for (;;) {
      const std::size_t want = std::min<std::size_t>(budget, records_per_read);
      auto records = log.read(p, next[p], want);
      if (!records) {
        ch.finish(to_status(records.err()));
        return false;
      }
      for (const auto& rec : *records) {
        --budget;
        next[p] = rec.offset + 1;
        v1::SubscribeEvent ev;
        if (!convert(log.topic(), rec, ev) || !ch.view().sees(ev.tenant()))
          continue;
        ev.set_topic(log.topic());
        ev.set_partition(p);
        ev.set_partition_offset(rec.offset);
        ev.set_offset(encode_offsets(next));
        out.push_back(std::move(ev));
      }
      if (records->size() < want || budget == 0)
        break;
    }
  }
  return true;
}

} // namespace tocsin::api
