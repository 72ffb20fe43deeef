// One node of a run as the executor wires it: its component, counters and consumers, and the
// flow-graph nodes that carry batches to it (executor.cpp).
#pragma once

#include "runtime/batch.hpp"
#include "runtime/component_instance.hpp"
#include "runtime/meta_sampler.hpp"
#include "runtime/node_counters.hpp"
#include "runtime/reorderer.hpp"
#include "runtime/run_context.hpp"
#include "runtime/source_stage.hpp"
#include "runtime/whole_input.hpp"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace loom::runtime {

// A sink's prepared token; discarded if write() never consumes it (a cancelled run).
struct PreparedToken {
  ComponentInstance* instance = nullptr;
  void* token = nullptr;
  PreparedToken(ComponentInstance* i, void* t) : instance(i), token(t) {}
  PreparedToken(const PreparedToken&) = delete;
  PreparedToken& operator=(const PreparedToken&) = delete;
  void* take() { return std::exchange(token, nullptr); }
  ~PreparedToken() { instance->discard(token); }
};

struct Delivery {
  BatchPtr batch;
  std::uint32_t edge = 0;
  std::shared_ptr<PreparedToken> prepared;
};

struct Consumer {
  std::size_t node = 0;
  std::uint32_t edge = 0;
};

using WorkNode = flow::function_node<Delivery, flow::continue_msg>;

struct NodeRuntime {
  const BoundNode* bound = nullptr;
  NodeKind kind = NodeKind::source;
  NodeCounters counters;
  std::unique_ptr<ComponentInstance> instance;
  MetaSampler meta_sampler;            // samples only when the run collects a report
  std::vector<Consumer> consumers[2];  // [0] main output, [1] dropped port
  std::uint32_t input_edges = 0;
  std::unique_ptr<Reorderer<Delivery>> reorder;
  std::unique_ptr<WorkNode> work;    // process(), observe(), or a sink's prepare()
  std::unique_ptr<WorkNode> writer;  // a sink's write()
  std::unique_ptr<SourceStage> source;
  std::unique_ptr<WholeInputStage> whole;
  std::int64_t resume_written = -1;  // a resumed sink: batches up to this one are written

  int index(const std::vector<NodeRuntime>& all) const {
    return static_cast<int>(this - all.data());
  }
};

}  // namespace loom::runtime
