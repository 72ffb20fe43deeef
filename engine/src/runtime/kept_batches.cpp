#include "runtime/kept_batches.hpp"

namespace loom::runtime {

void KeptBatches::offer(BatchPtr batch) {
  if (stopped_at_ != nullptr) return;
  std::size_t memory = batch->memory_bytes();
  // A source's batch usually ends a little way into a second arena chunk (chunks are as large as
  // a batch's text): kept as a copy whose sparse chunks are packed (and whose full ones are
  // shared), it takes about half the memory, so twice the shards fit, and that costs far less
  // than reading them again, or than a serialized copy (only the last chunk's bytes move).
  const std::uint64_t text = batch->text_bytes();
  if (memory > text + text / 4 + kCompactSlack) {
    BatchPtr copy = batch->packed_copy(kCompactSlack);
    if (copy->memory_bytes() < memory) {
      batch = std::move(copy);
      memory = batch->memory_bytes();
    }
  }
  if (in_memory_ + memory > budget_) {
    stopped_at_ = batch->shard.get();
    // The second reading starts at this shard's beginning, so it gives these batches again.
    while (!entries_.empty() && entries_.back().batch->shard.get() == stopped_at_) {
      in_memory_ -= entries_.back().memory;
      entries_.pop_back();
      --kept_;
    }
    return;
  }
  batch->ticket.reset();
  in_memory_ += memory;
  ++kept_;
  entries_.push_back({std::move(batch), memory});
}

BatchPtr KeptBatches::next() {
  if (entries_.empty()) return nullptr;
  Entry entry = std::move(entries_.front());
  entries_.pop_front();
  in_memory_ -= entry.memory;
  return std::move(entry.batch);
}

}  // namespace loom::runtime
