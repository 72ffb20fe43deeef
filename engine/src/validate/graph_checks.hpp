// Whole-graph checks on a BoundGraph whose nodes are resolved: edges, ports, cycles, merged
// sources and outputs that go nowhere. Fills BoundNode::inputs and BoundNode::source.
#pragma once

#include "validate/bound_graph.hpp"

#include <loom/engine/diagnostic.hpp>

#include <vector>

namespace loom {

void check_topology(const GraphSpec& spec, BoundGraph& graph, std::vector<Diagnostic>& diagnostics);

// "node 'gopher' (filter 'gopher_quality')", or "filter node 'gopher'" when unresolved.
std::string describe_node(const BoundNode& node);

}  // namespace loom
