#include "runtime/run_failures.hpp"

#include <filesystem>

namespace loom::runtime {

std::string RunFailures::node_label(const BoundNode& node) {
  const ComponentInfo& info = *node.component;
  const std::string file = std::filesystem::path(info.plugin->file).filename().string();
  return "node '" + node.spec->id + "' (" + info.name + ", " + file + ")";
}

void RunFailures::refuse(const BoundNode& node, const std::string& what) {
  refuse(node_label(node) + " " + what);
}

void RunFailures::refuse(std::string message) {
  std::lock_guard lock(mutex_);
  Diagnostic d;
  d.message = std::move(message);
  diagnostics_.push_back(std::move(d));
  failed_ = true;
}

void RunFailures::fail(const BoundNode& node, const loom_error& error, const ShardRef* shard,
                       const Batch* batch) {
  std::string where;
  if (shard != nullptr) where += " on '" + shard->uri + "'";
  if (error.line > 0) {
    where += " line " + std::to_string(error.line);
  } else if (batch != nullptr && error.record >= 0 &&
             static_cast<std::size_t>(error.record) < batch->docs.size()) {
    where += " record " +
             std::to_string(batch->docs[static_cast<std::size_t>(error.record)].record_index);
  }
  stop(node, "failed" + where + ": " + error.message);
}

void RunFailures::stop(const BoundNode& node, const std::string& what) {
  {
    std::lock_guard lock(mutex_);
    if (failed_) return;
    failed_ = true;
    Diagnostic d;
    d.message = node_label(node) + " " + what;
    diagnostics_.push_back(std::move(d));
  }
  cancel_();
}

}  // namespace loom::runtime
