#include "persistence/topic_log.hpp"

#include "domain/stable_hash.hpp"

#include <future>

namespace tocsin::persistence {
namespace {

std::string be16(std::uint32_t v) {
  return {static_cast<char>((v >> 8) & 0xFF), static_cast<char>(v & 0xFF)};
}

std::uint32_t read_be16(std::string_view b) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[0])) << 8) |
         static_cast<unsigned char>(b[1]);
}

std::string record_prefix(const std::string& topic, std::uint32_t partition) {
  return "r" + topic + std::string(1, '\0') + be16(partition);
}

std::string index_key(const std::string& topic, const std::string& key) {
  return "k" + topic + std::string(1, '\0') + key;
}

std::string end_key(const std::string& topic, std::uint32_t partition) {
  return "e" + topic + std::string(1, '\0') + be16(partition);
}

domain::result<topic_position> decode_position(const std::string& v) {
  if (v.size() != 10)
    return domain::make_error(domain::errc::corrupt_record, "topic index entry of " +
                                                              std::to_string(v.size()) + " bytes");
  return topic_position{read_be16(v), decode_u64(std::string_view(v).substr(2))};
}

} // namespace

topic_log::topic_log(store& st, std::string topic) : store_(st), topic_(std::move(topic)) {}

domain::result<std::uint64_t> topic_log::end_locked(std::uint32_t partition) {
  if (auto it = next_.find(partition); it != next_.end())
    return it->second;
  auto got = store_.get(kv_db::topics, end_key(topic_, partition));
  if (!got.ok())
    return got.err();
  const std::uint64_t next = *got ? decode_u64(**got) : 0;
  next_[partition] = next;
  return next;
}

domain::result<std::uint64_t> topic_log::end(std::uint32_t partition) {
  std::lock_guard lock{mu_};
  return end_locked(partition);
}

std::uint32_t topic_log::partition_of(const std::string& key) const {
  return static_cast<std::uint32_t>(domain::fnv1a64(key) % partitions());
}

void topic_log::append(const std::string& key, std::uint32_t partition, std::string value,
                       std::function<void(topic_append_result)> done, std::vector<kv_op> extra) {
  topic_append_result res;
  if (partition >= partitions()) {
    res.err = domain::make_error(domain::errc::invalid_argument,
                                 "partition " + std::to_string(partition) + " of " +
                                   std::to_string(partitions()));
    return done(res);
  }
  std::vector<kv_op> ops;
  {
    std::lock_guard lock{mu_};
    // A key in flight answers as a duplicate at once: its first append decides its position.
    if (in_flight_.count(key)) {
      res.at.partition = partition;
      return done(res);
    }
    auto existing = store_.get(kv_db::topics, index_key(topic_, key));
    if (!existing.ok()) {
      res.err = existing.err();
      return done(res);
    }
    if (*existing) {
      auto pos = decode_position(**existing);
      if (!pos.ok())
        res.err = pos.err();
      else
        res.at = *pos;
      return done(res);
    }
    auto next = end_locked(partition);
    if (!next.ok()) {
      res.err = next.err();
      return done(res);
    }
    const std::uint64_t offset = (*next_.find(partition)).second++;
    in_flight_.insert(key);
    pending_.insert({partition, offset});
    res.at = {partition, offset};
    res.created = true;
    ops.push_back({kv_db::topics, kv_op::put,
                   record_prefix(topic_, partition) + encode_u64(offset), std::move(value)});
    ops.push_back(
      {kv_db::topics, kv_op::put, index_key(topic_, key), be16(partition) + encode_u64(offset)});
    ops.push_back({kv_db::topics, kv_op::put, end_key(topic_, partition), encode_u64(offset + 1)});
    for (auto& op : extra)
      ops.push_back(std::move(op));
  }
  store_.write(std::move(ops), [this, key, res, done = std::move(done)](domain::error err) mutable {
    {
      std::lock_guard lock{mu_};
      in_flight_.erase(key);
      pending_.erase({res.at.partition, res.at.offset});
      ++completed_;
    }
    completed_cv_.notify_all();
    if (err.code != domain::errc::ok) {
      res.err = err;
      res.created = false;
    }
    done(res);
  });
}

topic_append_result topic_log::append_sync(const std::string& key, std::uint32_t partition,
                                           std::string value, std::vector<kv_op> extra) {
  std::promise<topic_append_result> p;
  auto f = p.get_future();
  append(
    key, partition, std::move(value), [&p](topic_append_result r) { p.set_value(r); },
    std::move(extra));
  return f.get();
}

std::uint64_t topic_log::completed() {
  std::lock_guard lock{mu_};
  return completed_;
}

std::uint64_t topic_log::wait_completed(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock{mu_};
  completed_cv_.wait_for(lock, timeout, [&] { return completed_ > seen; });
  return completed_;
}

domain::result<std::vector<topic_record>> topic_log::read(std::uint32_t partition,
                                                          std::uint64_t from, std::size_t limit) {
  // Taken before the scan: an offset below it is durable or refused by the time we look.
  std::uint64_t frontier = UINT64_MAX;
  {
    std::lock_guard lock{mu_};
    if (auto it = pending_.lower_bound({partition, 0});
        it != pending_.end() && it->first == partition)
      frontier = it->second;
  }
  if (from >= frontier)
    return std::vector<topic_record>{};
  return scan_records(partition, from, limit, frontier);
}

domain::result<std::vector<topic_record>>
topic_log::scan_records(std::uint32_t partition, std::uint64_t from, std::size_t limit,
                        std::uint64_t below) {
  const auto prefix = record_prefix(topic_, partition);
  auto rows = store_.scan(kv_db::topics, prefix, prefix + encode_u64(from), limit);
  if (!rows.ok())
    return rows.err();
  std::vector<topic_record> out;
  out.reserve(rows->size());
  for (auto& [k, v] : *rows) {
    if (k.size() != prefix.size() + 8)
      return domain::make_error(domain::errc::corrupt_record, "topic " + topic_ + ": bad key");
    const auto offset = decode_u64(std::string_view(k).substr(prefix.size()));
    if (offset >= below)
      break;
    out.push_back({partition, offset, std::move(v)});
  }
  return out;
}

domain::result<std::optional<topic_record>> topic_log::find(const std::string& key) {
  auto idx = store_.get(kv_db::topics, index_key(topic_, key));
  if (!idx.ok())
    return idx.err();
  if (!*idx)
    return std::optional<topic_record>{};
  auto pos = decode_position(**idx);
  if (!pos.ok())
    return pos.err();
  auto rec = scan_records(pos->partition, pos->offset, 1, UINT64_MAX);
  if (!rec.ok())
    return rec.err();
  if (rec->empty() || rec->front().offset != pos->offset)
    return domain::make_error(domain::errc::corrupt_record,
                              "topic " + topic_ + ": index names a missing record");
  return std::optional<topic_record>{std::move(rec->front())};
}

} // namespace tocsin::persistence
