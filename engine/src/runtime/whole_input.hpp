// A stage that sees its whole input before it processes any of it (LOOM_FLAG_WHOLE_INPUT). First
// pass: each batch arriving (in order, through the node's reorderer) is observe()d and kept in a
// spool (batch_spool.hpp), its ticket released so the sources keep reading: the spool's budget
// bounds the memory instead. Second pass, once every upstream stage is done: the replay (an input
// node, like a source's, under the same in-flight limit) feeds the kept batches through process()
// in order and hands them on.
#pragma once

#include "runtime/batch_spool.hpp"
#include "runtime/component_instance.hpp"
#include "runtime/run_context.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace loom::runtime {

class WholeInputStage {
 public:
  // `route` gets each processed batch. `upstream`: the whole-input stages this one's input
  // passes through, which must have replayed before this one's input is whole.
  WholeInputStage(RunContext& run, const BoundNode& node, ComponentInstance& instance,
                  NodeCounters& counters, std::vector<std::size_t> upstream);

  // Adds the replay's input, limiter and dispatch nodes.
  void build(std::size_t in_flight, std::function<void(BatchPtr)> route);
  // The first pass, on the node's serial work node.
  void observe(BatchPtr batch);

  // The whole-input stages of `graph` upstream of node `index` (see the constructor).
  static std::vector<std::size_t> upstream_of(const BoundGraph& graph, std::size_t index,
                                              int rank_count);
  // Starts the replay of every stage in `stages` whose input is now complete (no whole-input
  // stage upstream still to replay); returns whether any started. Called between waits for the
  // graph. `stages` is indexed by node (null for other nodes).
  static bool start_ready(const std::vector<WholeInputStage*>& stages);

 private:
  BatchPtr replay_next(oneapi::tbb::flow_control& fc);
  // Between the passes of a stage that exchanges keys across ranks: the job's keys, so that its
  // decisions are one process's. False (a failure recorded) when the exchange failed.
  bool exchange_keys();

  RunContext& run_;
  const BoundNode& node_;
  ComponentInstance& instance_;
  NodeCounters& counters_;
  std::vector<std::size_t> upstream_;
  BatchSpool spool_;
  bool started_ = false;
  std::unique_ptr<flow::input_node<BatchPtr>> replay_;
  std::unique_ptr<InFlightLimit> limiter_;
  std::unique_ptr<flow::function_node<BatchPtr, flow::continue_msg>> dispatch_;
};

}  // namespace loom::runtime
