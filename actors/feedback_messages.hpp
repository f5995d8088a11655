// Message vocabulary of the feedback actor (actors/feedback.hpp): creating items (cost detector,
// journal consumer, runtime signals) and reading quality scores (FeedbackService). Included by
// actors/, api/ and tests; the types are local-only (CAF_ALLOW_UNSAFE_MESSAGE_TYPE, no registration).
#pragma once

#include "domain/feedback.hpp"
#include "domain/quality.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::actors {

// Feedback actor interface:
//   (feedback_atom, domain::feedback_item)         -> unit once the item is durable: created now
//       or already in the topic (a duplicate key is success). `id` is always derived from
//       (tenant, source, source_id); created_at 0 means the actor's clock now. Errors:
//       invalid_argument (no tenant or source id), storage_full / overloaded / unavailable
//       (nothing written; the sender may retry).
//   (feedback_atom, std::vector<domain::feedback_item>) -> unit once all are durable (else the
//       first error; the others may have been created: resend all, duplicates are success).
//   (quality_atom, std::string tenant, std::string kind) -> std::vector<quality_row>
//       kind: "" (all) | "artifact" | "agent" | "skill"; rows ordered by (kind, id), scores at
//       the actor's clock now. invalid_argument for another kind word.
using feedback_atom = caf::atom_constant<caf::atom("feedback")>;
using quality_atom = caf::atom_constant<caf::atom("quality")>;
// Internal to the feedback service (error folds, fold timer, append callbacks, stop).
using fb_fold_atom = caf::atom_constant<caf::atom("fb_fold")>;
using fb_tick_atom = caf::atom_constant<caf::atom("fb_tick")>;
using fb_done_atom = caf::atom_constant<caf::atom("fb_done")>;
using fb_stop_atom = caf::atom_constant<caf::atom("fb_stop")>;

/// One quality score (domain/quality.hpp) as the query returns it.
struct quality_row {
  domain::subject_kind kind = domain::subject_kind::artifact;
  std::string id;
  double score = 50;         // 0..100 at the time of the query
  std::uint64_t items = 0;
  std::uint64_t negative = 0, neutral = 0, positive = 0;
  domain::timestamp last_at = 0; // created_at of the newest item folded in
};
using quality_rows = std::vector<quality_row>;

/// An error span of an artifact, as the ingest thread hands it to the fold (no feedback.* words).
struct error_observation {
  std::string artifact_id, agent_id, skill_id;
  std::string trace_id; // hex
  domain::timestamp at = 0; // span end (start when end is missing)
};

} // namespace tocsin::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::domain::feedback_item)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tocsin::domain::feedback_item>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tocsin::actors::quality_rows)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tocsin::actors::error_observation>)
