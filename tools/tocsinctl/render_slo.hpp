// How tocsinctl shows SLOs: JSON trees (the source of -o json and -o yaml) and tables for
// stored definitions and their status. CLI-only code; pure functions.
#pragma once

#include "render.hpp"

#include <string>

namespace tocsinctl {

/// "28d", "1h", "30s", "250ms": the largest unit that is exact (OpenSLO duration syntax).
std::string slo_duration(std::int64_t nanos);

json slo_json(const pb::StoredSlo& s);
json slo_status_json(const pb::SloStatus& s);
/// One row per SLO: ID NAME SERVICE TARGET WINDOW CONDITIONS SOURCE APPLIED.
std::string slo_list_table(const pb::ListSlosResponse& r);
/// Fields, then the conditions (the defaults when none are set).
std::string slo_table(const pb::StoredSlo& s);
/// Health, SLI, budget, then one row per condition and the exemplars.
std::string slo_status_table(const pb::SloStatus& s);

} // namespace tocsinctl
