#include "runtime/whole_input.hpp"

#include "base/tsan_annotations.hpp"
#include "runtime/key_exchange_stage.hpp"

#include <exception>

namespace loom::runtime {

WholeInputStage::WholeInputStage(RunContext& run, const BoundNode& node,
                                 ComponentInstance& instance, NodeCounters& counters,
                                 std::vector<std::size_t> upstream)
    : run_(run),
      node_(node),
      instance_(instance),
      counters_(counters),
      upstream_(std::move(upstream)),
      spool_(run.settings.buffer_memory_bytes, run.settings.spill_dir, node.spec->id) {}

void WholeInputStage::build(std::size_t in_flight, std::function<void(BatchPtr)> route) {
  replay_ = std::make_unique<flow::input_node<BatchPtr>>(
      run_.flow, [this](oneapi::tbb::flow_control& fc) { return replay_next(fc); });
  limiter_ = std::make_unique<InFlightLimit>(run_.flow, in_flight);
  dispatch_ = std::make_unique<flow::function_node<BatchPtr, flow::continue_msg>>(
      run_.flow, flow::unlimited, [route = std::move(route)](const BatchPtr& batch) {
        tsan::acquire(batch.get());  // released by replay_next(), before the pointer is copied
        route(BatchPtr(batch));
        return flow::continue_msg();
      });
  flow::make_edge(*replay_, *limiter_);
  flow::make_edge(*limiter_, *dispatch_);
}

void WholeInputStage::observe(BatchPtr batch) {
  if (run_.failures.failed()) return;
  counters_.add_batch(batch->docs.size(), batch->text_bytes(), 1);
  if (const CallFailure failure = instance_.observe(*batch)) {
    run_.failures.fail(node_, *failure, batch->shard.get(), batch.get());
    return;
  }
  try {
    spool_.push(std::move(batch));
  } catch (const std::exception& e) {
    run_.failures.stop(node_, std::string("could not keep its input: ") + e.what());
  }
}

BatchPtr WholeInputStage::replay_next(oneapi::tbb::flow_control& fc) {
  // The spool and the component, from the previous call or from start_ready().
  const tsan::SerialBody serial(replay_.get());
  if (run_.failures.failed() || run_.interrupt_requested()) {
    if (!run_.failures.failed()) run_.failures.stop(node_, "was interrupted");
    fc.stop();
    return {};
  }
  BatchPtr batch;
  try {
    batch = spool_.next();
  } catch (const std::exception& e) {
    run_.failures.stop(node_, std::string("could not read back its input: ") + e.what());
  }
  if (!batch) {
    fc.stop();
    return {};
  }
  if (const CallFailure failure = instance_.process(*batch)) {
    run_.failures.fail(node_, *failure, batch->shard.get(), batch.get());
    fc.stop();
    return {};
  }
  batch->ticket = run_.ticket(*limiter_);
  tsan::release(batch.get());  // to the dispatch node's body
  return batch;
}

bool WholeInputStage::exchange_keys() {
  if (!exchanges_keys(instance_.info(), run_.settings.rank_count)) return true;
  const KeyExchangeOutcome outcome = exchange_stage_keys(instance_);
  if (outcome.error.empty()) return true;
  if (outcome.peer_left) run_.interrupted = true;
  run_.failures.stop(node_, outcome.error);
  return false;
}

std::vector<std::size_t> WholeInputStage::upstream_of(const BoundGraph& graph, std::size_t index,
                                                      int rank_count) {
  std::vector<std::size_t> upstream;
  std::vector<std::size_t> stack{index};
  std::vector<bool> seen(graph.nodes.size(), false);
  while (!stack.empty()) {
    const std::size_t at = stack.back();
    stack.pop_back();
    for (const auto& input : graph.nodes[at].inputs) {
      if (seen[input.from]) continue;
      seen[input.from] = true;
      if (runs_whole_input(*graph.nodes[input.from].component, rank_count))
        upstream.push_back(input.from);
      stack.push_back(input.from);
    }
  }
  return upstream;
}

bool WholeInputStage::start_ready(const std::vector<WholeInputStage*>& stages) {
  std::vector<WholeInputStage*> ready;
  for (WholeInputStage* stage : stages) {
    if (stage == nullptr || stage->started_) continue;
    bool complete = true;
    for (const std::size_t u : stage->upstream_) complete = complete && stages[u]->started_;
    if (complete) ready.push_back(stage);
  }
  for (WholeInputStage* stage : ready) stage->started_ = true;
  for (WholeInputStage* stage : ready)
    if (!stage->exchange_keys()) return false;
  for (WholeInputStage* stage : ready) {
    tsan::release(stage->replay_.get());  // the first replay_next() takes over from here
    stage->replay_->activate();
  }
  return !ready.empty();
}

}  // namespace loom::runtime
