// Which notification the notifier attempts next: per-channel FIFO queues taking turns, at most
// `per_channel` attempts in flight per channel (a slow channel cannot take every connection),
// per-incident order within a channel (a resolve never overtakes its trigger) and backoff timers
// that hold back only the notification that failed. Pure logic with time passed in; owned by the
// notifier's delivery thread (not thread-safe).
#pragma once

#include "actors/notification_record.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tocsin::actors {

class delivery_scheduler {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit delivery_scheduler(std::size_t per_channel_in_flight)
      : per_channel_(per_channel_in_flight == 0 ? 1 : per_channel_in_flight) {}

  /// Queues a pending record; false (and ignored) if its id is already queued.
  bool add(notification_record rec);
  /// The next record to attempt at `now` (now counted in flight), or nullptr. The pointer stays
  /// valid until finish() for its id.
  notification_record* next(time_point now);
  /// The record's attempt ended for good (delivered or dead): drops it and releases the next
  /// notification of the same incident on the same channel.
  void finish(const std::string& id);
  /// The attempt failed; the record waits until `at` (other records are not held back).
  void retry(const std::string& id, time_point at);
  /// Queued record by id, or nullptr.
  notification_record* find(const std::string& id);
  /// Earliest time a record in backoff becomes due, if any.
  std::optional<time_point> next_due() const;
  /// Records queued (waiting, in backoff or in flight).
  std::size_t size() const { return items_.size(); }

  /// Channels are keyed by tenant and channel name (two tenants may both call one "pager").
  static std::string channel_key(const std::string& tenant, const std::string& channel) {
    return tenant + '\n' + channel;
  }

private:
  struct item {
    notification_record rec;
    std::string channel;
  };
  struct channel_queue {
    std::deque<item*> ready; // heads of their incident chain, due now
    std::unordered_map<std::string, std::deque<item*>> chains; // incident → its items, in order
    std::size_t in_flight = 0;
  };

  void make_ready(item* it, channel_queue& q);
  void release_due(time_point now);

  std::size_t per_channel_;
  std::unordered_map<std::string, std::unique_ptr<item>> items_;
  std::map<std::string, channel_queue> channels_;
  std::multimap<time_point, item*> timers_;
  std::string turn_; // channel served last; the next scan starts after it (round robin)
};

} // namespace tocsin::actors
