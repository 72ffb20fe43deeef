// A file of fixed-size records read back in blocks: one sorted run of SpillingKeyMap, of
// ExternalSorter or of minhash_dedup's band index, walked once from the start.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace loom::spill {

// Throws std::runtime_error: "<who>: cannot <what> the spill run <path>: <errno text>".
[[noreturn]] void io_failure(const std::string& who, const char* what,
                             const std::filesystem::path& path);

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

template <class Record>
class RecordReader {
  static_assert(std::is_trivially_copyable_v<Record>);

 public:
  // Errors are io_failure's: "<who>: cannot open the spill run <path>: <errno text>".
  RecordReader(std::string who, std::filesystem::path path, std::size_t block_records)
      : who_(std::move(who)), path_(std::move(path)), file_(std::fopen(path_.c_str(), "rb")) {
    if (!file_) io_failure(who_, "open", path_);
    block_.resize(block_records);
    refill();
  }
  bool done() const { return at_ == size_; }
  const Record& current() const { return block_[at_]; }
  void next() {
    if (++at_ == size_) refill();
  }

 private:
  void refill() {
    size_ = std::fread(block_.data(), sizeof(Record), block_.size(), file_.get());
    if (size_ == 0 && std::ferror(file_.get())) io_failure(who_, "read", path_);
    at_ = 0;
  }
  std::string who_;
  std::filesystem::path path_;
  File file_;
  std::vector<Record> block_;
  std::size_t size_ = 0, at_ = 0;
};

}  // namespace loom::spill
