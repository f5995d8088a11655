// Window records in LMDB: keys, loading one series, drain -> kv ops, retention sweep.
#include "actors/series_persistence.hpp"

#include "domain/window_codec.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

namespace tocsin::actors {
namespace {

using domain::timestamp;
using persistence::kv_db;
using persistence::kv_op;

constexpr char key_tag = 'k';
constexpr char meta_tag = 'm';
constexpr char window_tag = 'w';
constexpr std::size_t prefix_size = 9;                // hash + slot
constexpr std::size_t window_key_size = prefix_size + 1 + 8 + 8;
constexpr std::size_t tier_prefix_size = prefix_size + 1 + 8;
constexpr std::size_t load_page = 4096;
constexpr std::size_t erase_page = 1024;

void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_be64(std::string_view b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

// Flipping the sign bit makes two's complement order match unsigned byte order.
constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;

std::string record(std::uint64_t hash, std::uint8_t slot, char tag) {
  std::string k = series_prefix(hash, slot);
  k.push_back(tag);
  return k;
}

std::string hash_prefix(std::uint64_t hash) {
  std::string k;
  put_be64(k, hash);
  return k;
}

// Past every key that starts with `prefix` (keys under it are at most 8 bytes longer).
std::string after_all(std::string prefix) {
  prefix.append(8, '\xff');
  prefix.push_back('\0');
  return prefix;
}

// What one slot under a hash holds while a loader reads it.
struct slot_reader {
  bool ours = false;
  domain::persisted_series out;
  std::optional<std::string> meta;
};

void read_window(const std::string& key, const std::string& value,
                 domain::persisted_series& out, std::uint64_t& errors) {
  auto w = domain::decode_closed_window(value);
  if (w) {
    out.windows.push_back(std::move(*w));
    return;
  }
  ++errors;
  // An unreadable window is missing data, never an empty window: keep it as a gap.
  if (auto k = parse_window_record(key))
    out.meta.gaps.push_back({k->start, k->start + k->resolution});
  spdlog::warn("aggregation: window record unreadable, kept as a gap: {}", w.err().message);
}

// Meta missing or unreadable (never written alone, so unexpected): assume the windows we have
// are all there was up to the last of them; restore() then reports everything after as a gap.
domain::store_meta fallback_meta(const domain::persisted_series& p) {
  domain::store_meta m = p.meta;
  m.closed_until = std::numeric_limits<timestamp>::min();
  m.tracked_since = std::numeric_limits<timestamp>::max();
  for (const auto& w : p.windows) {
    m.closed_until = std::max(m.closed_until, w.start + w.resolution);
    m.tracked_since = std::min(m.tracked_since, w.start);
  }
  if (p.windows.empty()) m.tracked_since = 0;
  return m;
}

domain::timestamp retention_cut(const domain::window_config& cfg, timestamp closed,
                                domain::duration resolution) {
  for (const auto& t : cfg.tiers)
    if (t.resolution == resolution) return domain::align_down(closed - t.retention, resolution);
  return std::numeric_limits<timestamp>::max(); // a tier that is gone: nothing reads it
}

} // namespace

std::string series_prefix(std::uint64_t hash, std::uint8_t slot) {
  std::string k;
  k.reserve(window_key_size);
  put_be64(k, hash);
  k.push_back(static_cast<char>(slot));
  return k;
}

std::string series_key_record(std::uint64_t hash, std::uint8_t slot) {
  return record(hash, slot, key_tag);
}

std::string series_meta_record(std::uint64_t hash, std::uint8_t slot) {
  return record(hash, slot, meta_tag);
}

std::string window_record(std::uint64_t hash, std::uint8_t slot, domain::duration resolution,
                          domain::timestamp start) {
  std::string k = record(hash, slot, window_tag);
  put_be64(k, static_cast<std::uint64_t>(resolution));
  put_be64(k, static_cast<std::uint64_t>(start) ^ sign_bit);
  return k;
}

std::optional<window_record_key> parse_window_record(std::string_view key) {
  if (key.size() != window_key_size || key[prefix_size] != window_tag) return std::nullopt;
  window_record_key k;
  k.hash = get_be64(key, 0);
  k.slot = static_cast<std::uint8_t>(key[8]);
  k.resolution = static_cast<domain::duration>(get_be64(key, prefix_size + 1));
  k.start = static_cast<timestamp>(get_be64(key, prefix_size + 9) ^ sign_bit);
  return k;
}

domain::persisted_series lmdb_series_source::load(const domain::series_key& key,
                                                  std::uint64_t hash) {
  const std::string canonical = domain::canonical_encoding(key);
  const std::string prefix = hash_prefix(hash);
  std::vector<bool> used(256, false);
  slot_reader mine;
  int current = -1; // slot of the records being read
  bool current_ours = false;
  std::string from = prefix;
  for (;;) {
    auto rows = store_.scan(kv_db::windows, prefix, from, load_page);
    if (!rows) {
      ++errors_;
      spdlog::warn("aggregation: loading {} failed: {}", domain::describe(key), rows.err().message);
      break;
    }
    for (const auto& [k, v] : *rows) {
      if (k.size() <= prefix_size) continue;
      const int slot = static_cast<unsigned char>(k[8]);
      const char tag = k[prefix_size];
      used[slot] = true;
      if (slot != current) {
        current = slot;
        current_ours = false;
      }
      if (tag == key_tag) {
        current_ours = !mine.ours && v == canonical; // 'k' sorts first within a slot
        if (current_ours) {
          mine.ours = true;
          mine.out.slot = static_cast<std::uint8_t>(slot);
        }
      } else if (!current_ours) {
        continue;
      } else if (tag == meta_tag) {
        mine.meta = v;
      } else if (tag == window_tag) {
        read_window(k, v, mine.out, errors_);
      }
    }
    if (rows->size() < load_page) break;
    from = rows->back().first + '\0';
  }
  if (!mine.ours) {
    domain::persisted_series fresh;
    const auto free_slot = std::find(used.begin(), used.end(), false) - used.begin();
    fresh.slot = static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(free_slot, 255));
    return fresh;
  }
  auto& out = mine.out;
  out.found = true;
  auto decoded = mine.meta ? domain::decode_store_meta(*mine.meta)
                           : domain::result<domain::store_meta>(domain::make_error(
                               domain::errc::corrupt_record, "no meta record"));
  if (decoded) {
    auto gaps = std::move(out.meta.gaps);
    out.meta = std::move(*decoded);
    out.meta.gaps.insert(out.meta.gaps.end(), gaps.begin(), gaps.end());
  } else {
    ++errors_;
    spdlog::warn("aggregation: meta of {} unreadable: {}", domain::describe(key),
                 decoded.err().message);
    out.meta = fallback_meta(out);
  }
  return out;
}

std::size_t append_ops(const domain::series_changes& c, std::vector<kv_op>& ops) {
  const auto& e = *c.entry;
  if (c.write_key)
    ops.push_back({kv_db::windows, kv_op::put, series_key_record(e.hash, e.slot),
                   domain::canonical_encoding(e.key)});
  for (const auto& w : c.closed)
    ops.push_back({kv_db::windows, kv_op::put, window_record(e.hash, e.slot, w.resolution, w.start),
                   domain::encode(w)});
  for (const auto& x : c.expired)
    ops.push_back(
      {kv_db::windows, kv_op::erase, window_record(e.hash, e.slot, x.resolution, x.start), {}});
  if (c.meta)
    ops.push_back({kv_db::windows, kv_op::put, series_meta_record(e.hash, e.slot),
                   domain::encode(*c.meta)});
  return c.closed.size();
}

void retention_sweeper::start() {
  if (running_) return;
  running_ = true;
  next_.clear();
}

void retention_sweeper::step(persistence::store& st, const domain::window_config& cfg,
                             domain::timestamp now, std::size_t probes, std::vector<kv_op>& ops) {
  const timestamp closed = domain::align_down(now - cfg.lateness, cfg.resolution());
  for (std::size_t i = 0; running_ && i < probes; ++i) {
    auto first = st.scan(kv_db::windows, "", next_, 1);
    if (!first || first->empty()) {
      running_ = false; // the end, or the store is closing: the next pass starts over
      return;
    }
    const std::string key = std::move(first->front().first);
    const auto w = parse_window_record(key);
    if (!w) {
      next_ = key + '\0';
      continue;
    }
    const timestamp cut = retention_cut(cfg, closed, w->resolution);
    const std::string tier = key.substr(0, tier_prefix_size);
    next_ = after_all(tier);
    if (w->start >= cut) continue; // the oldest is young enough, hence all of the tier
    auto page = st.scan(kv_db::windows, tier, key, erase_page);
    if (!page) {
      running_ = false;
      return;
    }
    for (const auto& row : *page) {
      const auto r = parse_window_record(row.first);
      if (!r || r->start >= cut) break;
      ops.push_back({kv_db::windows, kv_op::erase, row.first, {}});
      next_ = row.first + '\0'; // a full page: the rest of this tier in the next probe
    }
  }
}

} // namespace tocsin::actors
