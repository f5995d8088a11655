// Incident catalog: see catalog.hpp. Keys: catalog = tenant \0 id(16 raw ULID bytes) → summary,
// traces = trace id \0 id(16) → tenant. ULIDs sort by time, so a reverse cursor walk is
// "newest first"; the page token is the text id of the last row a page looked at.
#include "persistence/catalog.hpp"

#include "persistence/lmdb_env.hpp"
#include "persistence/proto_convert.hpp"
#include "persistence/store_core.hpp"

#include "domain/ulid.hpp"

#include <algorithm>
#include <map>

namespace tocsin::persistence {

using domain::errc;
using domain::make_error;

namespace {

// Rows looked at per List call at most, so one request never walks a whole tenant.
constexpr std::size_t max_scan = 20'000;
constexpr std::size_t max_page = 1'000;

std::string prefixed_key(std::string_view prefix, const keys::aggregate_key& id) {
  std::string k;
  k.reserve(prefix.size() + 1 + id.size());
  k.append(prefix).push_back('\0');
  k.append(reinterpret_cast<const char*>(id.data()), id.size());
  return k;
}

keys::aggregate_key id_bytes(const std::string& id_text) {
  auto u = domain::parse_ulid(id_text);
  return u ? u->bytes : keys::aggregate_key{};
}

bool matches(const incident_summary& s, const incident_filter& f) {
  return (!f.status || s.status == *f.status) && (!f.sev || s.sev == *f.sev)
         && (!f.source || s.source == *f.source) && (!f.cat || s.cat == *f.cat)
         && (f.opened_after == 0 || s.opened_at >= f.opened_after)
         && (f.opened_before == 0 || s.opened_at < f.opened_before)
         && (f.trace_id.empty()
             || std::find(s.trace_ids.begin(), s.trace_ids.end(), f.trace_id)
                  != s.trace_ids.end());
}

bool newer(const incident_summary& a, const incident_summary& b) { return a.id > b.id; }

// Candidate rows for a trace id: the trace index, then the catalog row of each (same tenant).
domain::error trace_candidates(MDB_txn* t, const databases& dbs, const incident_filter& f,
                               std::vector<incident_summary>& out) {
  lmdb::cursor c;
  if (int rc = c.open(t, dbs.traces); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening the trace index");
  std::string prefix = f.trace_id;
  prefix.push_back('\0');
  MDB_val k = lmdb::val(prefix), d{};
  for (int rc = c.get(k, d, MDB_SET_RANGE); rc == MDB_SUCCESS; rc = c.get(k, d, MDB_NEXT)) {
    auto key = lmdb::view(k);
    if (key.size() != prefix.size() + 16 || key.compare(0, prefix.size(), prefix) != 0)
      break;
    if (lmdb::view(d) != f.tenant)
      continue; // another tenant's incident: not even its existence is shown
    keys::aggregate_key id;
    std::copy(key.end() - 16, key.end(), id.begin());
    auto ck = prefixed_key(f.tenant, id);
    MDB_val ckv = lmdb::val(ck), row{};
    if (mdb_get(t, dbs.catalog, &ckv, &row) != MDB_SUCCESS)
      continue;
    incident_summary s;
    if (auto err = decode_summary(lmdb::view(row), s); err.code != errc::ok)
      return make_error(errc::corrupt_record, "catalog row of " + domain::ulid{id}.str() + ": "
                                                + err.message);
    out.push_back(std::move(s));
  }
  return {};
}

// Durable rows of the tenant, newest first, with ids below `below` (all when empty).
class tenant_walk {
public:
  tenant_walk(MDB_txn* t, const databases& dbs, const std::string& tenant, const std::string& below)
      : prefix_(tenant + '\0') {
    rc_ = c_.open(t, dbs.catalog);
    if (rc_ != MDB_SUCCESS)
      return;
    // Position on the first key >= the bound, then step back: that is the newest row below it.
    std::string bound = below.empty() ? tenant + '\x01' : prefixed_key(tenant, id_bytes(below));
    MDB_val k = lmdb::val(bound);
    rc_ = c_.get(k, d_, MDB_SET_RANGE);
    rc_ = rc_ == MDB_NOTFOUND ? c_.get(k_, d_, MDB_LAST) : c_.get(k_, d_, MDB_PREV);
    settle();
  }
  bool valid() const { return rc_ == MDB_SUCCESS; }
  int error() const { return rc_ == MDB_NOTFOUND ? MDB_SUCCESS : rc_; }
  std::string_view row() const { return lmdb::view(d_); }
  void next() {
    rc_ = c_.get(k_, d_, MDB_PREV);
    settle();
  }

private:
  void settle() {
    if (rc_ == MDB_SUCCESS && lmdb::view(k_).compare(0, prefix_.size(), prefix_) != 0)
      rc_ = MDB_NOTFOUND;
  }
  std::string prefix_;
  lmdb::cursor c_;
  MDB_val k_{}, d_{};
  int rc_ = MDB_NOTFOUND;
};

} // namespace

incident_summary summarize(const domain::incident_state& s) {
  incident_summary out;
  out.id = s.id;
  out.tenant = s.tenant;
  out.title = s.title;
  out.sev = s.sev;
  out.source = s.source;
  out.source_id = s.source_id;
  out.cat = s.cat;
  out.status = s.status;
  out.trace_id = s.attr.trace_id;
  out.opened_at = s.entered_at[static_cast<std::size_t>(domain::incident_status::open)];
  out.updated_at = s.updated_at;
  out.version = s.version;
  auto add = [&](const std::string& t) {
    if (!t.empty() && std::find(out.trace_ids.begin(), out.trace_ids.end(), t) == out.trace_ids.end())
      out.trace_ids.push_back(t);
  };
  add(s.attr.trace_id);
  for (const auto& e : s.exemplars)
    add(e.trace_id);
  return out;
}

void encode_summary(const incident_summary& s, std::string& out) {
  proto::pb::IncidentSummary m;
  m.set_id(s.id);
  m.set_tenant(s.tenant);
  m.set_title(s.title);
  m.set_severity(static_cast<proto::pb::Severity>(proto::to_proto_enum(s.sev)));
  m.set_source(static_cast<proto::pb::IncidentSource>(proto::to_proto_enum(s.source)));
  m.set_source_id(s.source_id);
  m.set_category(static_cast<proto::pb::Category>(proto::to_proto_enum(s.cat)));
  m.set_status(static_cast<proto::pb::IncidentStatus>(proto::to_proto_enum(s.status)));
  m.set_trace_id(s.trace_id);
  m.set_opened_at_unix_nano(static_cast<std::uint64_t>(s.opened_at));
  m.set_updated_at_unix_nano(static_cast<std::uint64_t>(s.updated_at));
  m.set_version(s.version);
  for (const auto& t : s.trace_ids)
    m.add_trace_ids(t);
  out.clear();
  m.SerializeToString(&out);
}

domain::error decode_summary(std::string_view bytes, incident_summary& out) {
  proto::pb::IncidentSummary m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(errc::corrupt_record, "catalog row does not parse");
  out = incident_summary{};
  out.id = m.id();
  out.tenant = m.tenant();
  out.title = m.title();
  bool ok = proto::from_proto_enum(m.severity(), 4, out.sev)
            && proto::from_proto_enum(m.source(), 5, out.source)
            && proto::from_proto_enum(m.category(), 5, out.cat)
            && proto::from_proto_enum(m.status(), domain::status_count, out.status);
  if (!ok)
    return make_error(errc::corrupt_record, "catalog row of " + out.id + " has unknown enums");
  out.source_id = m.source_id();
  out.trace_id = m.trace_id();
  out.opened_at = static_cast<domain::timestamp>(m.opened_at_unix_nano());
  out.updated_at = static_cast<domain::timestamp>(m.updated_at_unix_nano());
  out.version = m.version();
  out.trace_ids.assign(m.trace_ids().begin(), m.trace_ids().end());
  return {};
}

void pending_catalog::add(std::vector<incident_summary>& rows) {
  if (rows.empty())
    return;
  std::lock_guard<std::mutex> guard(mu_);
  for (auto& r : rows) {
    auto id = r.id;
    rows_[std::move(id)] = std::move(r);
  }
}

void pending_catalog::collect(std::vector<incident_summary>& out) const {
  out = copy_all();
}

void pending_catalog::clear() {
  std::lock_guard<std::mutex> guard(mu_);
  rows_.clear();
}

std::vector<incident_summary> pending_catalog::copy_tenant(const std::string& tenant) const {
  std::vector<incident_summary> out;
  std::lock_guard<std::mutex> guard(mu_);
  for (const auto& [id, row] : rows_)
    if (row.tenant == tenant)
      out.push_back(row);
  return out;
}

std::vector<incident_summary> pending_catalog::copy_all() const {
  std::lock_guard<std::mutex> guard(mu_);
  std::vector<incident_summary> out;
  out.reserve(rows_.size());
  for (const auto& [id, row] : rows_)
    out.push_back(row);
  return out;
}

domain::error write_summaries(MDB_txn* t, const databases& dbs,
                              const std::vector<incident_summary>& rows, std::string& buf) {
  for (const auto& r : rows) {
    const auto id = id_bytes(r.id);
    encode_summary(r, buf);
    auto key = prefixed_key(r.tenant, id);
    MDB_val k = lmdb::val(key), d = lmdb::val(buf);
    if (int rc = mdb_put(t, dbs.catalog, &k, &d, 0); rc != MDB_SUCCESS)
      return lmdb::to_error(rc, "catalog put");
    for (const auto& trace : r.trace_ids) {
      auto tk = prefixed_key(trace, id);
      MDB_val k2 = lmdb::val(tk), d2 = lmdb::val(r.tenant);
      if (int rc = mdb_put(t, dbs.traces, &k2, &d2, 0); rc != MDB_SUCCESS)
        return lmdb::to_error(rc, "trace index put");
    }
  }
  return {};
}

domain::result<incident_page> list_catalog(MDB_txn* t, const databases& dbs,
                                           std::vector<incident_summary> pending,
                                           const incident_filter& f) {
  if (f.tenant.empty())
    return make_error(errc::invalid_argument, "list: a tenant is required");
  if (!f.page_token.empty() && !domain::parse_ulid(f.page_token))
    return make_error(errc::invalid_argument, "list: malformed page token");
  const std::size_t page = std::clamp<std::size_t>(f.page_size == 0 ? 100 : f.page_size, 1, max_page);
  const auto below = [&](const incident_summary& s) {
    return f.page_token.empty() || s.id < f.page_token;
  };
  pending.erase(std::remove_if(pending.begin(), pending.end(),
                               [&](const auto& s) { return !below(s); }),
                pending.end());
  std::sort(pending.begin(), pending.end(), newer);

  incident_page out;
  std::size_t scanned = 0;
  std::string last_seen;
  auto offer = [&](incident_summary&& s) {
    ++scanned;
    last_seen = s.id;
    if (matches(s, f))
      out.items.push_back(std::move(s));
  };
  auto full = [&] { return out.items.size() >= page || scanned >= max_scan; };

  if (!f.trace_id.empty()) {
    std::vector<incident_summary> rows;
    if (auto err = trace_candidates(t, dbs, f, rows); err.code != errc::ok)
      return err;
    for (auto& p : pending) // pending rows are newer than their durable version
      rows.erase(std::remove_if(rows.begin(), rows.end(), [&](auto& r) { return r.id == p.id; }),
                 rows.end());
    rows.insert(rows.end(), pending.begin(), pending.end());
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](auto& r) { return !below(r); }),
               rows.end());
    std::sort(rows.begin(), rows.end(), newer);
    std::size_t i = 0;
    for (; i < rows.size() && !full(); ++i)
      offer(std::move(rows[i]));
    if (i < rows.size())
      out.next_page_token = last_seen;
    return out;
  }

  // Merge the durable walk with the pending rows, both newest first; pending wins on equal ids.
  tenant_walk walk(t, dbs, f.tenant, f.page_token);
  std::size_t pi = 0;
  incident_summary durable;
  while (!full() && (walk.valid() || pi < pending.size())) {
    bool have_durable = false;
    if (walk.valid()) {
      if (auto err = decode_summary(walk.row(), durable); err.code != errc::ok)
        return err;
      have_durable = true;
    }
    if (pi < pending.size() && (!have_durable || pending[pi].id >= durable.id)) {
      if (have_durable && pending[pi].id == durable.id)
        walk.next();
      offer(std::move(pending[pi++]));
    } else {
      offer(std::move(durable));
      walk.next();
    }
  }
  if (int rc = walk.error(); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "walking the catalog");
  if (walk.valid() || pi < pending.size())
    out.next_page_token = last_seen;
  return out;
}

domain::result<std::vector<incident_count>> count_catalog(MDB_txn* t, const databases& dbs,
                                                          std::vector<incident_summary> pending) {
  // A pending row is newer than its durable version: the durable one is skipped.
  std::unordered_map<std::string, domain::incident_status> newer_rows;
  for (const auto& p : pending)
    newer_rows.emplace(p.id, p.status);
  std::map<std::pair<std::string, domain::incident_status>, std::uint64_t> counts;
  lmdb::cursor c;
  if (int rc = c.open(t, dbs.catalog); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening the catalog");
  MDB_val k{}, d{};
  incident_summary row;
  int rc = c.get(k, d, MDB_FIRST);
  for (; rc == MDB_SUCCESS; rc = c.get(k, d, MDB_NEXT)) {
    if (auto err = decode_summary(lmdb::view(d), row); err.code != errc::ok)
      return err;
    if (!newer_rows.count(row.id))
      ++counts[{row.tenant, row.status}];
  }
  if (rc != MDB_NOTFOUND)
    return lmdb::to_error(rc, "walking the catalog");
  for (const auto& p : pending)
    ++counts[{p.tenant, p.status}];
  std::vector<incident_count> out;
  out.reserve(counts.size());
  for (const auto& [key, n] : counts)
    out.push_back({key.first, key.second, n});
  return out;
}

} // namespace tocsin::persistence
