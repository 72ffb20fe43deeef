// Keeps a stage's whole input, in order, for stages that see it all before they emit
// (LOOM_FLAG_WHOLE_INPUT): batches stay in memory up to a budget; beyond it each new batch is
// serialized to a file in a private spill folder (loom/sdk/spill_folder.hpp) and read back when its
// turn comes. The folder is removed when the spool is destroyed: after success, after an error, or
// after an interrupt; one a killed process left is removed by the next run (run_graph.cpp).
#pragma once

#include "runtime/batch.hpp"

#include <loom/sdk/spill_folder.hpp>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>

namespace loom::runtime {

// A batch as bytes, and back (for spilling; the format is private to one run).
void serialize_batch(const Batch& batch, std::string& out);
BatchPtr deserialize_batch(std::string_view bytes);

class BatchSpool {
 public:
  // `spill_parent`: where the spill folder is made ("" = the system's temporary folder).
  // `label` names the spool in error messages and its folder.
  BatchSpool(std::size_t memory_budget_bytes, std::filesystem::path spill_parent,
             std::string label);
  ~BatchSpool();
  BatchSpool(const BatchSpool&) = delete;
  BatchSpool& operator=(const BatchSpool&) = delete;

  // Keeps the batch (releasing its in-flight ticket). Throws std::runtime_error if spilling fails.
  void push(BatchPtr batch);
  // The batches in push order, each once; null after the last. Throws if reading back fails.
  BatchPtr next();

  std::uint64_t batches() const { return entries_.size() + taken_; }
  std::uint64_t spilled_batches() const { return spilled_; }
  // What the batches kept in memory hold (Batch::memory_bytes), within the budget.
  std::size_t memory_bytes() const { return in_memory_; }
  // The spill folder, empty until the first batch is spilled.
  std::filesystem::path spill_folder() const {
    return folder_ ? folder_->path() : std::filesystem::path();
  }

 private:
  struct Entry {
    BatchPtr batch;  // null when spilled
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::size_t memory = 0;
  };
  // Bytes a kept batch may hold beyond twice its text before it is kept as a compact copy.
  static constexpr std::size_t kCompactSlack = std::size_t{64} << 10;
  void spill(const Batch& batch, Entry& entry);
  void open_spill_file();

  std::size_t budget_;
  std::filesystem::path parent_;
  std::string label_;
  std::deque<Entry> entries_;
  std::uint64_t taken_ = 0;
  std::uint64_t spilled_ = 0;
  std::size_t in_memory_ = 0;
  std::unique_ptr<SpillFolder> folder_;
  std::FILE* file_ = nullptr;
  std::uint64_t file_size_ = 0;
  std::string scratch_;
};

}  // namespace loom::runtime
