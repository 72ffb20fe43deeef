#include "runtime/source_stage.hpp"

#include "io/io.hpp"
#include "runtime/declared_drops.hpp"

#include <algorithm>

namespace loom::runtime {

std::pair<std::size_t, std::size_t> task_share(std::size_t shard_count, int index, int count) {
  const auto n = static_cast<unsigned long long>(shard_count);
  const auto i = static_cast<unsigned long long>(index);
  const auto k = static_cast<unsigned long long>(count);
  return {static_cast<std::size_t>(i * n / k), static_cast<std::size_t>((i + 1) * n / k)};
}

std::pair<std::size_t, std::size_t> rank_share(std::size_t shard_count, int index, int count,
                                               int rank, int ranks) {
  const auto [task_begin, task_end] = task_share(shard_count, index, count);
  const auto [begin, end] = task_share(task_end - task_begin, rank, ranks);
  return {task_begin + begin, task_begin + end};
}

bool SourceStage::list_shards() {
  if (!instance_.provides(&loom_component::list_shards) ||
      !instance_.provides(&loom_component::read)) {
    run_.failures.refuse(node_, "is a source without list_shards/read functions");
    return false;
  }
  std::vector<std::string> all;
  if (const CallFailure failure = instance_.list_shards(all)) {
    run_.failures.refuse(node_, "could not list its input: " + std::string(failure->message));
    return false;
  }
  // Every shard, not just this task's: another task's input is no place for output either.
  for (const std::string& item : all) io::guard_input(item);
  const ExecutionSettings& settings = run_.settings;
  const auto [begin, end] = rank_share(all.size(), settings.task_index, settings.task_count,
                                       settings.rank_index, settings.rank_count);
  for (std::size_t k = begin; k < end; ++k) {
    auto shard = std::make_shared<ShardRef>();
    shard->uri = all[k];
    shard->index = k;
    shards_.push_back(std::move(shard));
  }
  seq_at_open_.assign(shards_.size(), 0);
  return true;
}

SourceStage::~SourceStage() {
  close_reader(first_);
  close_reader(second_);
}

void SourceStage::start_at(const SourceStart& start) {
  start_ = start;
  first_.next_shard = second_.next_shard = start.position;
  first_.next_seq = second_.next_seq = start.seq;
  discard_through_ = start.discard_through;
}

std::int64_t SourceStage::first_sent() const {
  return std::max<std::int64_t>(static_cast<std::int64_t>(start_.seq), discard_through_ + 1);
}

void SourceStage::build(std::size_t in_flight, std::function<void(BatchPtr)> deliver) {
  input_ = std::make_unique<flow::input_node<BatchPtr>>(
      run_.flow, [this](oneapi::tbb::flow_control& fc) { return read_next(fc); });
  limiter_ = std::make_unique<InFlightLimit>(run_.flow, in_flight);
  dispatch_ = std::make_unique<flow::function_node<BatchPtr, flow::continue_msg>>(
      run_.flow, flow::unlimited, [deliver = std::move(deliver)](const BatchPtr& batch) {
        tsan::acquire(batch.get());  // released by read_next(), before the pointer is copied
        deliver(BatchPtr(batch));
        return flow::continue_msg();
      });
  flow::make_edge(*input_, *limiter_);
  flow::make_edge(*limiter_, *dispatch_);
}

// Batches leave one read behind, so that the last batch of each shard is marked (ends_shard)
// before it goes: sinks learn that a shard is complete right after writing it.
BatchPtr SourceStage::read_next(oneapi::tbb::flow_control& fc) {
  const tsan::SerialBody serial(input_.get());  // the reader's state, from the previous call
  BatchPtr out = next_batch(first_, true);
  if (!out) fc.stop();
  tsan::release(out.get());  // to the dispatch node's body
  return out;
}

BatchPtr SourceStage::reread_next() { return next_batch(second_, false); }

bool SourceStage::reread_from(const ShardRef& shard) {
  const auto at = std::find_if(shards_.begin(), shards_.end(),
                               [&](const auto& s) { return s.get() == &shard; });
  if (at == shards_.end() || second_.reader != nullptr || second_.ahead) return false;
  const auto position = static_cast<std::size_t>(at - shards_.begin());
  second_.next_shard = position;
  second_.next_seq = seq_at_open_[position];
  return true;
}

BatchPtr SourceStage::next_batch(Cursor& cursor, bool first_reading) {
  BatchPtr out = cursor.ahead ? std::move(cursor.ahead) : read_batch(cursor, first_reading);
  if (out && !out->ends_shard) {
    cursor.ahead = read_batch(cursor, first_reading);
    if (!cursor.ahead && !cursor.input_ended) out.reset();  // failed or interrupted: nothing ends
    if (out && (!cursor.ahead || cursor.ahead->shard != out->shard)) out->ends_shard = true;
  }
  return out;
}

// The next non-empty batch, or null at the end of the input (input_ended) or when the run failed
// or was interrupted.
BatchPtr SourceStage::read_batch(Cursor& cursor, bool first_reading) {
  while (true) {
    if (run_.failures.failed() || run_.interrupt_requested()) {
      if (!run_.failures.failed()) {
        run_.interrupted = true;
        run_.failures.stop(node_, "was interrupted");
      }
      close_reader(cursor);
      return {};
    }
    if (cursor.reader == nullptr) {
      if (cursor.next_shard >= shards_.size()) {
        cursor.input_ended = true;
        return {};
      }
      const ShardRef& shard = *shards_[cursor.next_shard];
      if (const CallFailure failure = instance_.open_shard(shard, cursor.reader)) {
        run_.failures.fail(node_, *failure, &shard, nullptr);
        return {};
      }
      if (first_reading) {
        seq_at_open_[cursor.next_shard] = cursor.next_seq;
        run_.resume.on_shard_open(index_, shard.index, cursor.next_seq);
      }
    }
    auto batch = std::make_shared<Batch>();
    batch->shard = shards_[cursor.next_shard];
    bool done = false;
    if (const CallFailure failure =
            instance_.read(cursor.reader, *batch, run_.settings.batch_bytes, done)) {
      run_.failures.fail(node_, *failure, batch->shard.get(), batch.get());
      close_reader(cursor);
      return {};
    }
    std::uint64_t skipped = 0;
    for (const auto& [reason, count] : batch->skipped) skipped += count;
    if (skipped > 0 && first_reading) {
      counters_.add_batch(skipped, 0, 0);  // skipped records entered the source too
      counters_.add_dropped(batch->skipped);
      if (std::string undeclared = undeclared_drop_reason(*node_.component, batch->skipped);
          !undeclared.empty()) {
        run_.failures.stop(node_, undeclared);
        close_reader(cursor);
        return {};
      }
    }
    if (done) {
      close_reader(cursor);
      ++cursor.next_shard;
      if (first_reading) run_.meter.shard_done();
      batch->ends_shard = true;
    }
    if (batch->docs.empty()) continue;
    batch->seq = cursor.next_seq++;
    if (static_cast<std::int64_t>(batch->seq) <= discard_through_) continue;  // resumed
    if (!first_reading) return batch;
    batch->ticket = run_.ticket(*limiter_);
    const std::uint64_t bytes = batch->text_bytes();
    counters_.add_batch(batch->docs.size(), bytes, 1);
    counters_.add_kept(batch->docs.size());
    run_.meter.read(batch->docs.size(), bytes);
    return batch;
  }
}

void SourceStage::close_reader(Cursor& cursor) {
  instance_.close_shard(cursor.reader);
  cursor.reader = nullptr;
}

}  // namespace loom::runtime
