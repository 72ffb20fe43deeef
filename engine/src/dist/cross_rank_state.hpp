// Stages whose decisions depend on more than one batch (dedupers, whole-input stages) would, in a
// distributed run, see only their rank's share of the input and decide differently from one
// process. Until their state is exchanged across ranks (docs/guides/scale-out.md), such a graph
// is refused rather than run to a silently different output.
#pragma once

#include "validate/bound_graph.hpp"

#include <loom/engine/diagnostic.hpp>

#include <vector>

namespace loom::dist {

// Appends one error per such node when rank_count > 1.
void refuse_cross_rank_state(const BoundGraph& graph, int rank_count,
                             std::vector<Diagnostic>& diagnostics);

}  // namespace loom::dist
