// Store start-up: named DBs, partition count, journal ends and the unindexed tail.
#include "persistence/recovery.hpp"

#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

#include "domain/ulid.hpp"

namespace tocsin::persistence {

using domain::errc;
using domain::make_error;

std::string journal_record_name(std::uint32_t partition, std::uint64_t offset) {
  return "journal record (partition " + std::to_string(partition) + ", offset "
         + std::to_string(offset) + ")";
}

domain::error open_databases(store_core& core) {
  lmdb::txn t;
  if (int rc = t.begin(core.env.get(), false); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning the open txn");
  struct named {
    const char* name;
    MDB_dbi* dbi;
  };
  auto& d = core.dbs;
  const named all[] = {{"journal", &d.journal},     {"agg_index", &d.agg_index},
                       {"snapshots", &d.snapshots}, {"dedup", &d.dedup},
                       {"meta", &d.meta},           {"deadlines", &d.deadlines},
                       {"cursors", &d.cursors},     {"dead_letters", &d.dead_letters},
                       {"windows", &d.windows},     {"definitions", &d.definitions},
                       {"catalog", &d.catalog},     {"traces", &d.traces},
                       {"notifications", &d.notifications}, {"topics", &d.topics}};
  for (const auto& n : all)
    if (int rc = mdb_dbi_open(t.get(), n.name, MDB_CREATE, n.dbi); rc != MDB_SUCCESS)
      return lmdb::to_error(rc, std::string("opening DB ") + n.name);

  MDB_val k = lmdb::val(keys::meta_partitions);
  MDB_val v{};
  const std::uint32_t want = core.options.partitions;
  int rc = mdb_get(t.get(), d.meta, &k, &v);
  if (rc == MDB_SUCCESS) {
    const std::uint64_t have = v.mv_size == 8 ? keys::read_u64(v.mv_data) : 0;
    if (have != want)
      return make_error(errc::invalid_argument,
                        "the store in " + core.options.dir + " was created with "
                          + std::to_string(have) + " partitions; options ask for "
                          + std::to_string(want) + " (the partition count is fixed at creation)");
  } else if (rc == MDB_NOTFOUND) {
    keys::u64_value count(want);
    MDB_val d2 = lmdb::val(count.bytes.data(), count.bytes.size());
    if ((rc = mdb_put(t.get(), d.meta, &k, &d2, 0)) != MDB_SUCCESS)
      return lmdb::to_error(rc, "writing the partition count");
  } else {
    return lmdb::to_error(rc, "reading the partition count");
  }
  if ((rc = t.commit()) != MDB_SUCCESS)
    return lmdb::to_error(rc, "committing the open txn");
  return {};
}

namespace {

int find_end(lmdb::cursor& c, std::uint32_t p, std::uint64_t& next) {
  next = 0;
  MDB_val k{}, d{};
  int rc;
  if (p < 0xffff) {
    keys::journal_key probe(p + 1, 0); // the first key past partition p, then one step back
    k = lmdb::val(probe.bytes.data(), probe.bytes.size());
    rc = c.get(k, d, MDB_SET_RANGE);
    if (rc == MDB_SUCCESS)
      rc = c.get(k, d, MDB_PREV);
    else if (rc == MDB_NOTFOUND)
      rc = c.get(k, d, MDB_LAST);
  } else {
    rc = c.get(k, d, MDB_LAST);
  }
  if (rc == MDB_NOTFOUND)
    return MDB_SUCCESS;
  if (rc != MDB_SUCCESS)
    return rc;
  if (k.mv_size == keys::journal_key::size && keys::journal_partition(k.mv_data) == p)
    next = keys::journal_offset(k.mv_data) + 1;
  return MDB_SUCCESS;
}

domain::error read_watermark(MDB_txn* t, MDB_dbi meta, std::uint32_t p, std::uint64_t& wm) {
  const std::string key = keys::meta_watermark(p);
  MDB_val k = lmdb::val(key), v{};
  int rc = mdb_get(t, meta, &k, &v);
  wm = 0;
  if (rc == MDB_SUCCESS && v.mv_size == 8)
    wm = keys::read_u64(v.mv_data);
  else if (rc == MDB_SUCCESS)
    return make_error(errc::corrupt_record, "meta record wm/" + std::to_string(p) + " is malformed");
  else if (rc != MDB_NOTFOUND)
    return lmdb::to_error(rc, "reading index watermark");
  return {};
}

// Re-reads journal records [from, end) of partition p into `out` as pending index entries.
domain::error scan_tail(lmdb::cursor& c, std::uint32_t p, std::uint64_t from,
                        std::vector<keyed_index_entry>& out) {
  keys::journal_key probe(p, from);
  MDB_val k = lmdb::val(probe.bytes.data(), probe.bytes.size()), d{};
  domain::envelope env;
  int rc = c.get(k, d, MDB_SET_RANGE);
  for (; rc == MDB_SUCCESS; rc = c.get(k, d, MDB_NEXT)) {
    if (k.mv_size != keys::journal_key::size || keys::journal_partition(k.mv_data) != p)
      break;
    const std::uint64_t offset = keys::journal_offset(k.mv_data);
    if (auto err = decode_envelope(lmdb::view(d), env); err.code != errc::ok)
      return make_error(errc::corrupt_record,
                        journal_record_name(p, offset) + " is corrupt: " + err.message);
    auto id = domain::parse_ulid(env.aggregate_id);
    if (!id || id->partition() != p)
      return make_error(errc::corrupt_record, journal_record_name(p, offset)
                                                + " names an aggregate outside its partition");
    out.push_back(keyed_index_entry{id->bytes, env.sequence, offset});
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
    return lmdb::to_error(rc, "scanning the journal tail");
  return {};
}

} // namespace

domain::result<recovered_partitions> recover_partitions(store_core& core) {
  const std::uint32_t parts = core.options.partitions;
  recovered_partitions out;
  out.next_offset.assign(parts, 0);
  out.watermark.assign(parts, 0);
  lmdb::txn t;
  if (int rc = t.begin(core.env.get(), true); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "beginning the recovery txn");
  lmdb::cursor c;
  if (int rc = c.open(t.get(), core.dbs.journal); rc != MDB_SUCCESS)
    return lmdb::to_error(rc, "opening a journal cursor");
  std::vector<keyed_index_entry> tail;
  for (std::uint32_t p = 0; p < parts; ++p) {
    if (int rc = find_end(c, p, out.next_offset[p]); rc != MDB_SUCCESS)
      return lmdb::to_error(rc, "finding the end of partition " + std::to_string(p));
    if (auto err = read_watermark(t.get(), core.dbs.meta, p, out.watermark[p]);
        err.code != errc::ok)
      return err;
    if (out.watermark[p] >= out.next_offset[p])
      continue;
    tail.clear();
    if (auto err = scan_tail(c, p, out.watermark[p], tail); err.code != errc::ok)
      return err;
    core.pending.add(tail);
  }
  return out;
}

} // namespace tocsin::persistence
