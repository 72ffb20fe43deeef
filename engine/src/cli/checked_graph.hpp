// Load, resolve plugins and validate a graph file: the shared first half of `validate` and `graph`.
#pragma once

#include "cli/verbs.hpp"
#include "plugin/registry.hpp"
#include "validate/bound_graph.hpp"

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>

#include <memory>
#include <string>
#include <vector>

namespace loom::cli {

struct CheckedGraph {
  GraphSpec spec;
  Registry registry;
  BoundGraph graph;
  std::vector<Diagnostic> diagnostics;
};

// Collects every problem it can: configuration errors do not stop plugin loading and validation
// (only a file that is not YAML at all does), but a plugin that fails to load skips validation,
// whose "unknown component" errors would only repeat it.
std::unique_ptr<CheckedGraph> check_graph(const std::string& path, const Context& ctx);

}  // namespace loom::cli
