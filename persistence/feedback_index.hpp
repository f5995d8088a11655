// Secondary indexes and reads of the "feedback" topic: by id, newest first per tenant, and by
// trace id / artifact / agent / skill; plus the keys of persisted quality states. The feedback
// actor writes the entries as `extra` ops of the item's append (one transaction); readers
// (FeedbackService, tests) call the read functions from any thread.
//
// Keys, all in kv_db::topics (topic_log's own keys start with 'r', 'k', 'e'):
//   "Fi" <feedback id>                                             -> feedback key
//   "Ft" <tenant> \0 <~created_at 8 BE> <feedback id>              -> feedback key
//   "Fx" <tenant> \0 <field> \0 <value> \0 <~created_at 8 BE> <id> -> feedback key
//   "Q"  <tenant> \0 <kind> \0 <subject id>                        -> QualityState bytes
// ~created_at (bitwise not) makes a forward scan newest first.
#pragma once

#include "domain/error.hpp"
#include "domain/feedback.hpp"
#include "domain/quality.hpp"
#include "persistence/store.hpp"
#include "persistence/topic_log.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::persistence {

/// The index entries of a created item (puts in kv_db::topics).
std::vector<kv_op> feedback_index_ops(const domain::feedback_item& it);

/// Key of a subject's quality state, and the prefix of all of a tenant's (tenant empty: all).
std::string quality_key(const std::string& tenant, domain::subject_kind kind,
                        const std::string& id);
std::string quality_prefix(const std::string& tenant);
struct quality_subject {
  std::string tenant;
  domain::subject_kind kind = domain::subject_kind::artifact;
  std::string id;
};
/// Inverse of quality_key; nullopt for a key that is not one.
std::optional<quality_subject> parse_quality_key(std::string_view key);

/// List filter; empty strings / nullopt mean "any". At most one of trace_id, artifact_id,
/// agent_id, skill_id drives the scan (in that order); the others and the category filter.
struct feedback_filter {
  std::string tenant; // required
  std::string trace_id;
  std::string artifact_id;
  std::string agent_id;
  std::string skill_id;
  std::optional<domain::category> cat;
  std::size_t page_size = 100; // 0 = 100; capped at 1000
  std::string page_token;      // opaque, from a previous page
};

struct feedback_page {
  std::vector<domain::feedback_item> items; // newest first
  std::string next_page_token;              // empty when there is no further page
};

/// invalid_argument for an empty tenant or a token that is not one of ours.
domain::result<feedback_page> list_feedback(store& st, topic_log& topic,
                                            const feedback_filter& f);
/// The item with this id (any tenant: the caller checks it), nullopt when unknown.
domain::result<std::optional<domain::feedback_item>> get_feedback(store& st, topic_log& topic,
                                                                  const std::string& id);

} // namespace tocsin::persistence
