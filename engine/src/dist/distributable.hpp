// Whether a graph gives one process's output when its sources' shards are split across ranks.
// Two kinds of node would not, and are refused rather than run to a silently different output:
// - stages whose decisions depend on more than one batch (dedupers, order-sensitive and
//   whole-input stages): each rank would see only its share of the input, unless the component
//   exchanges its keys across ranks (docs/guides/scale-out.md);
// - sinks that do not name their outputs by shard ({shard} in none of their options): every rank
//   would write the same files and the last rename would replace the others'.
#pragma once

#include "validate/bound_graph.hpp"

#include <loom/engine/diagnostic.hpp>

#include <vector>

namespace loom::dist {

// Whether the component decides over the whole job on many ranks: a transform with
// export_keys, import_keys and observe (plugin ABI 1.3).
bool exchanges_keys_across_ranks(const ComponentInfo& info);

// Appends one error per such node when rank_count > 1.
void refuse_undistributable_nodes(const BoundGraph& graph, int rank_count,
                                  std::vector<Diagnostic>& diagnostics);

}  // namespace loom::dist
