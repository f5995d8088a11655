// Delivery order and pacing: see delivery_scheduler.hpp.
#include "actors/delivery_scheduler.hpp"

namespace tocsin::actors {

bool delivery_scheduler::add(notification_record rec) {
  if (items_.count(rec.id) != 0)
    return false;
  auto owned = std::make_unique<item>();
  owned->channel = channel_key(rec.tenant, rec.channel);
  owned->rec = std::move(rec);
  item* it = owned.get();
  items_.emplace(it->rec.id, std::move(owned));
  auto& q = channels_[it->channel];
  auto& chain = q.chains[it->rec.incident_id];
  chain.push_back(it);
  if (chain.size() == 1)
    make_ready(it, q);
  return true;
}

void delivery_scheduler::make_ready(item* it, channel_queue& q) {
  q.ready.push_back(it);
}

void delivery_scheduler::release_due(time_point now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    item* it = timers_.begin()->second;
    timers_.erase(timers_.begin());
    make_ready(it, channels_[it->channel]);
  }
}

notification_record* delivery_scheduler::next(time_point now) {
  release_due(now);
  if (channels_.empty())
    return nullptr;
  // One pass over the channels, starting after the one served last.
  auto start = channels_.upper_bound(turn_);
  auto it = start;
  for (std::size_t seen = 0; seen < channels_.size(); ++seen, ++it) {
    if (it == channels_.end())
      it = channels_.begin();
    auto& q = it->second;
    if (q.ready.empty() || q.in_flight >= per_channel_)
      continue;
    item* chosen = q.ready.front();
    q.ready.pop_front();
    ++q.in_flight;
    turn_ = it->first;
    return &chosen->rec;
  }
  return nullptr;
}

void delivery_scheduler::finish(const std::string& id) {
  auto found = items_.find(id);
  if (found == items_.end())
    return;
  item* it = found->second.get();
  auto q_it = channels_.find(it->channel);
  auto& q = q_it->second;
  if (q.in_flight > 0)
    --q.in_flight;
  auto chain_it = q.chains.find(it->rec.incident_id);
  auto& chain = chain_it->second;
  // Only a chain's head is ever attempted, so the finished item is the head.
  if (!chain.empty() && chain.front() == it)
    chain.pop_front();
  if (chain.empty())
    q.chains.erase(chain_it);
  else
    make_ready(chain.front(), q);
  items_.erase(found);
  if (q.chains.empty() && q.in_flight == 0 && q.ready.empty())
    channels_.erase(q_it);
}

void delivery_scheduler::retry(const std::string& id, time_point at) {
  auto found = items_.find(id);
  if (found == items_.end())
    return;
  item* it = found->second.get();
  auto& q = channels_[it->channel];
  if (q.in_flight > 0)
    --q.in_flight;
  timers_.emplace(at, it);
}

notification_record* delivery_scheduler::find(const std::string& id) {
  auto found = items_.find(id);
  return found == items_.end() ? nullptr : &found->second->rec;
}

std::optional<delivery_scheduler::time_point> delivery_scheduler::next_due() const {
  if (timers_.empty())
    return std::nullopt;
  return timers_.begin()->first;
}

} // namespace tocsin::actors
