// Reads one WET file record by record and turns each conversion record into a document, counting
// every record it drops by reason.
#pragma once

#include "record_reader.hpp"
#include "wet_source.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace loom::commoncrawl {

class WetShardReader final : public ShardReader {
 public:
  WetShardReader(const WetSourceOptions& options, std::string path, std::string segment);
  ~WetShardReader() override;

  bool read(Batch& batch, std::size_t target_bytes) override;

 private:
  // Appends the record's document (returns its text bytes) or counts why it is dropped.
  std::size_t emit(Batch& batch);
  bool next_record(Batch& batch);
  void input_failed(Batch& batch, const std::exception& e);
  std::string where() const;

  const WetSourceOptions& options_;
  std::string path_;
  std::string segment_;
  std::unique_ptr<RecordReader> records_;
  WarcRecord record_;
  bool record_read_ = false;  // record_ holds a record
  bool done_ = false;
  bool batch_skip_pending_ = false;
  std::uint64_t length_mismatches_ = 0;
  std::string first_mismatch_;
};

}  // namespace loom::commoncrawl
