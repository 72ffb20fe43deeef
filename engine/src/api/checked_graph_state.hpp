// The inside of a CheckedGraph (engine.hpp), for the engine's own use: the parsed file, the
// registry its plugins were loaded into, and the bound graph the runtime runs.
#pragma once

#include "plugin/registry.hpp"
#include "validate/bound_graph.hpp"

#include <loom/engine/engine.hpp>

namespace loom {

struct CheckedGraph::State {
  GraphSpec spec;
  Registry* registry = nullptr;  // kept for the life of the process
  BoundGraph bound;              // usable only when `diagnostics` holds no error
  std::vector<Diagnostic> diagnostics;
};

// The bound graph of a check without errors.
inline const BoundGraph& bound_graph(const CheckedGraph& graph) { return graph.state().bound; }

}  // namespace loom
