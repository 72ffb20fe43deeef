// The `tests:` block of a graph file: reading it into GraphSpec::tests, checking it against the
// graph, and the slice of the graph a test runs.
#pragma once

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>

#include <string>
#include <vector>

namespace loom {

// Reads the value of the top-level `tests:` key. Shape errors (unknown keys, wrong types,
// missing `insert`/`expect`) become diagnostics; whatever is well formed lands in spec.tests.
void read_tests(const ConfigValue& value, GraphSpec& spec, std::vector<Diagnostic>& diagnostics);

// Checks spec.tests against spec.nodes: every node named exists, `expect.at` is downstream of
// `insert.at`, and every node under `dropped` runs in that test.
void check_tests(const GraphSpec& spec, std::vector<Diagnostic>& diagnostics);

// The nodes a test runs, in spec order: every node on a path from `insert_at` to `expect_at`,
// `insert_at` included, `expect_at` excluded (the test captures its input instead of running it).
// `reachable` is false when `expect_at` is neither `insert_at` nor downstream of it.
struct TestSlice {
  std::vector<const NodeSpec*> nodes;
  bool reachable = false;
};
TestSlice test_slice(const GraphSpec& spec, const std::string& insert_at,
                     const std::string& expect_at);

}  // namespace loom
