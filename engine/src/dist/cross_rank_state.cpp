#include "dist/cross_rank_state.hpp"

#include <string>

namespace loom::dist {

void refuse_cross_rank_state(const BoundGraph& graph, int rank_count,
                             std::vector<Diagnostic>& diagnostics) {
  if (rank_count <= 1) return;
  for (const BoundNode& node : graph.nodes) {
    const ComponentInfo& info = *node.component;
    const bool deduper = info.kind == NodeKind::deduper;
    if (!deduper && !info.order_sensitive() && !info.whole_input()) continue;
    const char* why = deduper              ? "is a deduper"
                      : info.whole_input() ? "sees its whole input before it emits"
                                           : "keeps state from one batch to the next";
    Diagnostic d;
    d.file = graph.spec != nullptr ? graph.spec->file : std::string();
    d.mark = node.spec->type_mark;
    d.message = "node '" + node.spec->id + "' (" + info.name + ") " + why +
                ": in a distributed run of " + std::to_string(rank_count) +
                " ranks each rank would see only its share of the input, so its decisions "
                "would differ from one process's; loom cannot yet exchange its state across "
                "ranks";
    d.notes.push_back("run this graph as one process (without mpirun/srun), or with -n 1");
    d.notes.push_back(
        "or split it with --task I/N, each task deciding over its own share only "
        "(docs/guides/scale-out.md)");
    diagnostics.push_back(std::move(d));
  }
}

}  // namespace loom::dist
