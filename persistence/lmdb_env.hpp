// Thin RAII wrappers over the LMDB C API (environment, transaction, cursor) and the mapping of
// LMDB return codes to domain errors. A txn/cursor belongs to one thread at a time (MDB_NOTLS lets
// a read txn move between threads, never be shared); the env itself is thread-safe.
#pragma once

#include "domain/error.hpp"

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::persistence::lmdb {

/// storage_full for MDB_MAP_FULL, storage_error (with mdb_strerror text) for anything else.
domain::error to_error(int rc, std::string_view what);

inline MDB_val val(const void* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};
}
inline MDB_val val(std::string_view s) { return val(s.data(), s.size()); }
inline std::string_view view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

class env {
public:
  env() = default;
  ~env() { close(); }
  env(const env&) = delete;
  env& operator=(const env&) = delete;

  /// Creates the environment; on failure the object stays closed.
  domain::error open(const std::string& dir, std::size_t map_size, unsigned flags,
                     unsigned max_dbs, unsigned max_readers);
  void close();
  MDB_env* get() const { return env_; }

private:
  MDB_env* env_ = nullptr;
};

class txn {
public:
  txn() = default;
  ~txn() { abort(); }
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;
  txn(txn&& other) noexcept : txn_(other.txn_) { other.txn_ = nullptr; }

  int begin(MDB_env* e, bool read_only);
  /// Ends the txn whatever the outcome (LMDB frees it even when the commit fails).
  int commit();
  void abort();
  MDB_txn* get() const { return txn_; }

private:
  MDB_txn* txn_ = nullptr;
};

class cursor {
public:
  cursor() = default;
  ~cursor() { close(); }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;

  /// Must be closed (or destroyed) before its txn ends.
  int open(MDB_txn* t, MDB_dbi dbi);
  void close();
  int get(MDB_val& key, MDB_val& data, MDB_cursor_op op) { return mdb_cursor_get(c_, &key, &data, op); }
  int put(MDB_val& key, MDB_val& data, unsigned flags) { return mdb_cursor_put(c_, &key, &data, flags); }
  MDB_cursor* raw() const { return c_; }

private:
  MDB_cursor* c_ = nullptr;
};

} // namespace tocsin::persistence::lmdb
