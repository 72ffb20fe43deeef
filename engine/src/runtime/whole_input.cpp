#include "runtime/whole_input.hpp"

#include "base/tsan_annotations.hpp"
#include "runtime/exclusions.hpp"
#include "runtime/key_exchange_stage.hpp"

#include <exception>

namespace loom::runtime {

namespace {
constexpr std::size_t kKeptShare = 16;  // of --buffer-memory-mb, for a rereading stage's batches
}  // namespace

WholeInputStage::WholeInputStage(RunContext& run, const BoundNode& node,
                                 ComponentInstance& instance, NodeCounters& counters,
                                 std::vector<std::size_t> upstream)
    : run_(run),
      node_(node),
      instance_(instance),
      counters_(counters),
      upstream_(std::move(upstream)),
      spool_(run.settings.buffer_memory_bytes, run.settings.spill_dir, node.spec->id),
      // A sixteenth: the stage itself (a line dedup's table) needs the memory more, and a run
      // that rereads its source is one meant not to hold its input (issue 16's 1 GB for 10 GB).
      kept_(run.settings.buffer_memory_bytes / kKeptShare) {}

void WholeInputStage::reread_from(SourceStage& source, std::vector<UpstreamStage> chain) {
  reread_source_ = &source;
  reread_chain_ = std::move(chain);
}

std::vector<std::size_t> WholeInputStage::reread_chain(const BoundGraph& graph, std::size_t index,
                                                       int rank_count) {
  std::vector<std::size_t> chain;
  std::size_t at = index;
  while (true) {
    const auto& inputs = graph.nodes[at].inputs;
    // Several inputs would need their merge order rebuilt; a dropped port, the exclusions.
    if (inputs.size() != 1 || inputs[0].dropped_port) return {};
    at = inputs[0].from;
    const BoundNode& node = graph.nodes[at];
    chain.push_back(at);
    if (node.component->kind == NodeKind::source) break;
    // Such a stage's output depends on the batches before: running it again would change it.
    if (node.component->order_sensitive() || runs_whole_input(*node.component, rank_count))
      return {};
  }
  return {chain.rbegin(), chain.rend()};
}

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
  if (reread_source_ != nullptr) {
    kept_.offer(std::move(batch));  // else it goes: the second pass reads it again
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
  BatchPtr batch = next_input();
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

BatchPtr WholeInputStage::next_input() {
  if (reread_source_ != nullptr) {
    if (!rereading_) {
      if (BatchPtr batch = kept_.next()) return batch;
      rereading_ = true;
      if (kept_.reread_from() == nullptr) return {};  // every batch was kept
      if (!reread_source_->reread_from(*kept_.reread_from())) {
        run_.failures.stop(node_, "could not find the shard to read its source again from");
        return {};
      }
    }
    return reread();
  }
  try {
    return spool_.next();
  } catch (const std::exception& e) {
    run_.failures.stop(node_, std::string("could not read back its input: ") + e.what());
  }
  return {};
}

// The batch as the first pass observed it: the source's, through each upstream stage's process()
// and without what that stage dropped (as the executor's route() hands it on).
BatchPtr WholeInputStage::reread() {
  BatchPtr batch = reread_source_->reread_next();
  if (!batch) return {};  // the end, or a failure the source recorded
  for (const UpstreamStage& stage : reread_chain_) {
    if (const CallFailure failure = stage.instance->process(*batch)) {
      run_.failures.fail(*stage.node, *failure, batch->shard.get(), batch.get());
      return {};
    }
    batch->erase_if(is_dropped);
  }
  return batch;
}

bool WholeInputStage::exchange_keys() {
  if (!exchanges_keys(instance_.info(), run_.settings.rank_count)) return true;
  const KeyExchangeOutcome outcome =
      exchange_stage_keys(instance_, run_.settings.buffer_memory_bytes);
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
