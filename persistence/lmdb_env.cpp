// RAII wrappers over LMDB and its error mapping (see lmdb_env.hpp).
#include "persistence/lmdb_env.hpp"

#include <cerrno>

namespace tocsin::persistence::lmdb {

domain::error to_error(int rc, std::string_view what) {
  auto code = rc == MDB_MAP_FULL ? domain::errc::storage_full : domain::errc::storage_error;
  std::string msg(what);
  msg += ": ";
  msg += mdb_strerror(rc);
  return domain::make_error(code, std::move(msg));
}

domain::error env::open(const std::string& dir, std::size_t map_size, unsigned flags,
                        unsigned max_dbs, unsigned max_readers) {
  close();
  MDB_env* e = nullptr;
  int rc = mdb_env_create(&e);
  if (rc != MDB_SUCCESS)
    return to_error(rc, "mdb_env_create");
  if ((rc = mdb_env_set_maxdbs(e, max_dbs)) != MDB_SUCCESS
      || (rc = mdb_env_set_maxreaders(e, max_readers)) != MDB_SUCCESS
      || (rc = mdb_env_set_mapsize(e, map_size)) != MDB_SUCCESS
      || (rc = mdb_env_open(e, dir.c_str(), flags, 0644)) != MDB_SUCCESS) {
    mdb_env_close(e);
    return to_error(rc, "opening LMDB environment in " + dir);
  }
  // Reader slots of processes that died (kill -9) would otherwise pin old pages forever.
  int dead = 0;
  mdb_reader_check(e, &dead);
  env_ = e;
  return {};
}

void env::close() {
  if (env_ != nullptr) {
    mdb_env_close(env_);
    env_ = nullptr;
  }
}

int txn::begin(MDB_env* e, bool read_only) {
  abort();
  return mdb_txn_begin(e, nullptr, read_only ? MDB_RDONLY : 0, &txn_);
}

int txn::commit() {
  if (txn_ == nullptr)
    return EINVAL;
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  return rc;
}

void txn::abort() {
  if (txn_ != nullptr) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
}

int cursor::open(MDB_txn* t, MDB_dbi dbi) {
  close();
  return mdb_cursor_open(t, dbi, &c_);
}

void cursor::close() {
  if (c_ != nullptr) {
    mdb_cursor_close(c_);
    c_ = nullptr;
  }
}

} // namespace tocsin::persistence::lmdb
