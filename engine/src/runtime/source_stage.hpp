// A source in the flow graph: an input node that reads this task's (and rank's) shards in order,
// one batch at a time, behind a limiter (the in-flight budget), then a dispatch node that hands
// each batch to the source's consumers.
#pragma once

#include "base/tsan_annotations.hpp"
#include "runtime/component_instance.hpp"
#include "runtime/resume_plan.hpp"
#include "runtime/run_context.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace loom::runtime {

class SourceStage {
 public:
  // `index` is the node's index in the graph (the resume manifest's name for it).
  SourceStage(RunContext& run, std::size_t index, const BoundNode& node,
              ComponentInstance& instance, NodeCounters& counters)
      : run_(run), index_(index), node_(node), instance_(instance), counters_(counters) {}
  SourceStage(const SourceStage&) = delete;
  SourceStage& operator=(const SourceStage&) = delete;

  // Asks the component for its input: every shard goes to the input guard, this task's and
  // rank's share is kept. False (a failure recorded) when it cannot.
  bool list_shards();
  const std::vector<std::shared_ptr<const ShardRef>>& shards() const { return shards_; }
  // A resumed run: where reading starts (resume_plan.hpp).
  void start_at(const SourceStart& start);
  // The sequence number of the first batch this source sends on.
  std::int64_t first_sent() const;

  // Adds the input, limiter and dispatch nodes; `deliver` gets each batch read.
  void build(std::size_t in_flight, std::function<void(BatchPtr)> deliver);
  // The first read_next() takes over the set-up (shards, resume start) from this thread.
  void activate() {
    tsan::release(input_.get());
    input_->activate();
  }

 private:
  BatchPtr read_next(oneapi::tbb::flow_control& fc);
  BatchPtr read_batch();
  void close_reader();

  RunContext& run_;
  std::size_t index_;
  const BoundNode& node_;
  ComponentInstance& instance_;
  NodeCounters& counters_;
  std::vector<std::shared_ptr<const ShardRef>> shards_;
  std::size_t next_shard_ = 0;
  void* reader_ = nullptr;
  std::uint64_t next_seq_ = 0;
  std::int64_t discard_through_ = -1;  // resumed: batches already written by every sink
  BatchPtr ahead_;            // read, not sent yet: tells whether the one before ends a shard
  bool input_ended_ = false;  // every shard was read (not failed, not interrupted)
  std::unique_ptr<flow::input_node<BatchPtr>> input_;
  std::unique_ptr<InFlightLimit> limiter_;
  std::unique_ptr<flow::function_node<BatchPtr, flow::continue_msg>> dispatch_;
};

}  // namespace loom::runtime
