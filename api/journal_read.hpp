// Reading the incident journal for a server stream (Watch, Subscribe to "incidents"): from a
// stream's own per-partition read position, within a record budget per round, in bounded reads.
// Used by the tailer threads (api/event_tailer.cpp, api/subscription_tailer.cpp); stateless, so
// any thread, but `next` belongs to one stream.
#pragma once

#include "api/offset_token.hpp"
#include "domain/error.hpp"
#include "persistence/store.hpp"

#include <cstddef>
#include <functional>

namespace tocsin::api {

/// Next offset of every partition, as of now.
partition_offsets journal_end(persistence::store& st);

/// Reads the records between `next` and `ends`, partition after partition, until `budget` (which
/// counts down) runs out, at most `per_read` per store read. `next` moves past each record before
/// `visit` sees it, so a token encoded there resumes after it. A failed read stops and is
/// returned; `next` stays after the last record visited.
domain::error read_journal(persistence::store& st, partition_offsets& next,
                           const partition_offsets& ends, std::size_t& budget,
                           std::size_t per_read,
                           const std::function<void(const persistence::journal_record&)>& visit);

} // namespace tocsin::api
