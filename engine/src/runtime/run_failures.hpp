// How a run's failures become diagnostics. Before the graph runs, each problem is one diagnostic;
// once it runs, only the first failure is (the others are usually its consequences), it cancels
// the graph, and it names the node, its component and plugin file, the shard and the record or
// line the plugin pointed at.
#pragma once

#include "runtime/batch.hpp"
#include "validate/bound_graph.hpp"

#include <loom/plugin.h>
#include <loom/engine/diagnostic.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace loom::runtime {

class RunFailures {
 public:
  // `cancel` stops the graph; called once, on the first failure while it runs.
  RunFailures(std::vector<Diagnostic>& diagnostics, std::function<void()> cancel)
      : diagnostics_(diagnostics), cancel_(std::move(cancel)) {}

  bool failed() const { return failed_.load(); }

  // "node 'id' (component, libloom_x.so)".
  static std::string node_label(const BoundNode& node);

  // Before the graph runs: a node could not be set up (created, asked for its input).
  void refuse(const BoundNode& node, const std::string& what);
  // Before the graph runs: a problem of the run as a whole (an output over an input, a manifest
  // that cannot be used).
  void refuse(std::string message);

  // While the graph runs: a plugin call on `node` failed with `error`, on `shard` (may be null)
  // and `batch` (may be null; the error's record indexes into it).
  void fail(const BoundNode& node, const loom_error& error, const ShardRef* shard,
            const Batch* batch);
  // While the graph runs: `node` "was interrupted", "could not keep its input: ...".
  void stop(const BoundNode& node, const std::string& what);

 private:
  std::vector<Diagnostic>& diagnostics_;
  std::function<void()> cancel_;
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
};

}  // namespace loom::runtime
