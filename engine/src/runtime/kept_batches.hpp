// A rereading whole-input stage's first-pass batches, kept in memory within a budget so that its
// second pass reads (and decompresses, and parses) again only what did not fit. Whole shards
// only: the second reading can start at a shard's beginning, not inside one, so once a batch does
// not fit, nothing more is kept and the batches already kept of that batch's shard are let go;
// the second pass takes the kept batches, then rereads the source from that shard on
// (SourceStage::reread_from). Either way it gets the same batches, in the same order.
#pragma once

#include "runtime/batch.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>

namespace loom::runtime {

class KeptBatches {
 public:
  explicit KeptBatches(std::size_t budget_bytes) : budget_(budget_bytes) {}

  // The first pass: keeps `batch` (releasing its in-flight ticket) while the batches fit.
  void offer(BatchPtr batch);
  // The second pass: the kept batches in order, each once; null after the last.
  BatchPtr next();

  // Where the second pass must read the source again: the shard of the first batch not kept, or
  // null when every batch was kept.
  const ShardRef* reread_from() const { return stopped_at_; }
  // Batches kept by the first pass (stats.json's second_pass_kept_batches).
  std::uint64_t kept() const { return kept_; }

 private:
  struct Entry {
    BatchPtr batch;
    std::size_t memory = 0;
  };
  static constexpr std::size_t kCompactSlack = std::size_t{64} << 10;

  std::size_t budget_;
  std::deque<Entry> entries_;
  std::size_t in_memory_ = 0;
  std::uint64_t kept_ = 0;
  const ShardRef* stopped_at_ = nullptr;
};

}  // namespace loom::runtime
