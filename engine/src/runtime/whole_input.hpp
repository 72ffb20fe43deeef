// A stage that sees its whole input before it processes any of it (LOOM_FLAG_WHOLE_INPUT). First
// pass: each batch arriving (in order, through the node's reorderer) is observe()d, its ticket
// released so the sources keep reading. Second pass, once every upstream stage is done: the replay
// (an input node, like a source's, under the same in-flight limit) feeds the same batches through
// process() in order and hands them on. Where the second pass gets them:
// - reread: when the stage's input comes straight from a source through stages whose output
//   depends on the batch alone (one main-port edge each, none order-sensitive or whole-input),
//   the source reads its shards again and those stages process each batch again, as cc_net
//   reads its shard twice; only the first shards whose batches fit in a sixteenth of the spool's
//   budget are kept in memory (kept_batches.hpp), and the second pass rereads from the first
//   shard not kept;
// - spool: otherwise, the first pass keeps every batch in a spool (batch_spool.hpp), in memory up
//   to its budget, then on disk.
#pragma once

#include "runtime/batch_spool.hpp"
#include "runtime/component_instance.hpp"
#include "runtime/kept_batches.hpp"
#include "runtime/run_context.hpp"
#include "runtime/source_stage.hpp"

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

  // A stage between the source and a rereading whole-input stage.
  struct UpstreamStage {
    const BoundNode* node = nullptr;
    ComponentInstance* instance = nullptr;
  };
  // The second pass rereads `source` and runs `chain` (in order from the source) on each batch
  // instead of spooling. Called before the run starts, only for a chain reread_chain() found.
  void reread_from(SourceStage& source, std::vector<UpstreamStage> chain);
  // "reread" or "spool" (stats.json's second_pass).
  const char* second_pass() const { return reread_source_ != nullptr ? "reread" : "spool"; }
  // Reread: the batches the second pass took from memory instead of reading them again.
  std::uint64_t kept_batches() const { return kept_.kept(); }

  // The nodes a second pass of node `index` can run again instead of spooling, the source first
  // and the node feeding `index` last; empty when it cannot (see the top of this file).
  static std::vector<std::size_t> reread_chain(const BoundGraph& graph, std::size_t index,
                                               int rank_count);

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
  BatchPtr next_input();
  BatchPtr reread();
  // Between the passes of a stage that exchanges keys across ranks: the job's keys, so that its
  // decisions are one process's. False (a failure recorded) when the exchange failed.
  bool exchange_keys();

  RunContext& run_;
  const BoundNode& node_;
  ComponentInstance& instance_;
  NodeCounters& counters_;
  std::vector<std::size_t> upstream_;
  BatchSpool spool_;
  SourceStage* reread_source_ = nullptr;
  std::vector<UpstreamStage> reread_chain_;
  KeptBatches kept_;
  bool rereading_ = false;  // the kept batches are done: the source is read again
  bool started_ = false;
  std::unique_ptr<flow::input_node<BatchPtr>> replay_;
  std::unique_ptr<InFlightLimit> limiter_;
  std::unique_ptr<flow::function_node<BatchPtr, flow::continue_msg>> dispatch_;
};

}  // namespace loom::runtime
