// Runs one test of a graph's `tests:` block on the real runtime: the slice of the graph between
// `insert.at` and `expect.at`, its real components created with the graph's options, fed by an
// in-memory source and drained into an in-memory capture instead of the expected node.
#pragma once

#include "validate/bound_graph.hpp"

#include <loom/engine/graph_spec.hpp>

#include <string>

namespace loom::cli {

struct TestOutcome {
  bool passed = false;
  std::string failure;  // why it failed, over one or more lines; "" when it passed
};

// `graph` is the validated whole graph (components resolved, options checked).
TestOutcome run_graph_test(const BoundGraph& graph, const TestSpec& test, int threads);

}  // namespace loom::cli
