// The LMDB implementation of persistence::store (store::open creates one). Reads run on the
// calling thread in their own read txn; appends go to the journal_writer thread. Thread-safe.
#pragma once

#include "persistence/journal_writer.hpp"
#include "persistence/store.hpp"
#include "persistence/store_core.hpp"

#include <memory>
#include <mutex>
#include <shared_mutex>

namespace tocsin::persistence {

class lmdb_store final : public store {
public:
  static domain::result<std::unique_ptr<store>> open(const store_options& options);
  ~lmdb_store() override { close(); }

  void append(append_request req, append_callback done) override;
  append_result append_sync(append_request req) override;
  void write(std::vector<kv_op> ops, write_callback done) override;
  domain::error write_sync(std::vector<kv_op> ops) override;
  domain::result<std::optional<std::string>> get(kv_db db, const std::string& key) override;
  domain::result<std::vector<std::pair<std::string, std::string>>>
  scan(kv_db db, const std::string& prefix, const std::string& from, std::size_t limit) override;
  domain::result<std::vector<deadline_entry>> due_deadlines(domain::timestamp up_to,
                                                            std::size_t limit) override;

  domain::result<std::uint64_t> version_of(const std::string& aggregate_id) override;
  domain::result<domain::incident_state> load_incident(const std::string& aggregate_id) override;
  domain::result<std::vector<domain::envelope>>
  read_events(const std::string& aggregate_id, std::uint64_t from_sequence) override;
  domain::result<std::vector<journal_record>>
  read_partition(std::uint32_t partition, std::uint64_t from_offset, std::size_t limit) override;
  std::uint64_t partition_end(std::uint32_t partition) override;
  domain::result<std::optional<std::string>> find_open(const domain::dedup_key& key) override;

  domain::result<incident_page> list_incidents(const incident_filter& filter) override;
  domain::result<std::vector<incident_count>> count_incidents() override;
  std::uint64_t commit_count() override;
  std::uint64_t wait_for_commit(std::uint64_t seen, std::chrono::milliseconds timeout) override;

  const store_options& options() const override { return core_->options; }
  store_stats stats() override;
  void close() override;

private:
  explicit lmdb_store(std::unique_ptr<store_core> core) : core_(std::move(core)) {}

  struct aggregate_ref;
  /// Catalog rows of aggregates whose events are past the watermark (lost with the process).
  domain::error rebuild_pending_catalog();
  domain::result<aggregate_ref> resolve(const std::string& aggregate_id) const;
  /// Events of the aggregate with sequence >= from, through agg_index plus `pending` (a copy
  /// taken before `t` began).
  domain::error collect_events(MDB_txn* t, const aggregate_ref& ref, std::uint64_t from,
                               const std::vector<index_entry>& pending,
                               std::vector<domain::envelope>& out) const;

  std::unique_ptr<store_core> core_;
  std::unique_ptr<journal_writer> writer_;
  std::mutex close_mu_;
  std::shared_mutex life_; // readers share it; close() takes it exclusively to close the env
  bool closed_ = false;    // guarded by life_
};

} // namespace tocsin::persistence
