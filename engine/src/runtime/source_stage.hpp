// A source in the flow graph: an input node that reads this task's (and rank's) shards in order,
// one batch at a time, behind a limiter (the in-flight budget), then a dispatch node that hands
// each batch to the source's consumers. A whole-input stage downstream may read the same shards
// a second time (reread_next): same batches, same sequence numbers, nothing counted twice.
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
  ~SourceStage();

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

  // The second reading of this run's shards, from where the first started, batch by batch as
  // the first produced them (sequence numbers, shard ends, skipped counts), without ticket,
  // counters, progress or resume checkpoints (the first reading did those). Null at the end,
  // and when the run failed or was interrupted (a failure is then recorded).
  BatchPtr reread_next();
  // Before the first reread_next(): the second reading starts at `shard` (one the first reading
  // opened), with the sequence number the first gave its first batch, instead of where the first
  // started (the batches before it were kept: kept_batches.hpp). False (nothing changed) when
  // `shard` is not one of this source's or the second reading has begun.
  bool reread_from(const ShardRef& shard);

 private:
  // Where one reading of the shards is.
  struct Cursor {
    std::size_t next_shard = 0;
    void* reader = nullptr;
    std::uint64_t next_seq = 0;
    BatchPtr ahead;            // read, not sent yet: tells whether the one before ends a shard
    bool input_ended = false;  // every shard was read (not failed, not interrupted)
  };
  BatchPtr read_next(oneapi::tbb::flow_control& fc);
  BatchPtr next_batch(Cursor& cursor, bool first_reading);
  BatchPtr read_batch(Cursor& cursor, bool first_reading);
  void close_reader(Cursor& cursor);

  RunContext& run_;
  std::size_t index_;
  const BoundNode& node_;
  ComponentInstance& instance_;
  NodeCounters& counters_;
  std::vector<std::shared_ptr<const ShardRef>> shards_;
  Cursor first_;
  Cursor second_;
  std::vector<std::uint64_t> seq_at_open_;  // by shard position: next_seq when first opened
  SourceStart start_;
  std::int64_t discard_through_ = -1;  // resumed: batches already written by every sink
  std::unique_ptr<flow::input_node<BatchPtr>> input_;
  std::unique_ptr<InFlightLimit> limiter_;
  std::unique_ptr<flow::function_node<BatchPtr, flow::continue_msg>> dispatch_;
};

}  // namespace loom::runtime
