// The statistics of a distributed run as one job: per-node totals over all ranks, plus one entry
// per rank (what stats.json and the --report page show).
#pragma once

#include "dist/rank_outcome_wire.hpp"

#include <vector>

namespace loom::dist {

// `ranks` in rank order. Counters add up; wall time is the slowest rank's; the report page's
// samples and timeline are combined (see the .cpp).
RunStats merge_rank_stats(const std::vector<RankOutcome>& ranks);

}  // namespace loom::dist
