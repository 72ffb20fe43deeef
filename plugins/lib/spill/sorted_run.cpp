#include "sorted_run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace loom::spill {
namespace {

constexpr std::size_t kWriteBufferEntries = 1 << 15;  // 768 KB
constexpr std::size_t kReadBlockEntries = 1 << 15;
constexpr std::uint64_t kFilterBitsPerKey = 10;
constexpr int kFilterProbes = 7;

// The keys are hashes already: the filter's probes come from their two halves (double hashing).
std::uint64_t probe(const Key128& key, int i, std::uint64_t bits) {
  return (key.high + static_cast<std::uint64_t>(i) * (key.low | 1)) % bits;
}

}  // namespace

void io_failure(const std::string& who, const char* what, const std::filesystem::path& path) {
  throw std::runtime_error(who + ": cannot " + what + " the spill run " + path.string() + ": " +
                           std::strerror(errno));
}

SortedRun::SortedRun(std::string who, std::filesystem::path path, std::uint64_t entries)
    : who_(std::move(who)),
      path_(std::move(path)),
      entries_(entries),
      filter_((std::max<std::uint64_t>(entries, 1) * kFilterBitsPerKey + 63) / 64),
      filter_bits_(filter_.size() * 64) {
  block_first_.reserve((entries + kBlockEntries - 1) / kBlockEntries);
}

SortedRun::~SortedRun() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

std::size_t SortedRun::memory_bytes() const {
  return block_first_.capacity() * sizeof(Key128) + filter_.capacity() * sizeof(std::uint64_t);
}

void SortedRun::add_to_filter(const Key128& key) {
  for (int i = 0; i < kFilterProbes; ++i) {
    const std::uint64_t bit = probe(key, i, filter_bits_);
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

bool SortedRun::may_hold(const Key128& key) const {
  for (int i = 0; i < kFilterProbes; ++i) {
    const std::uint64_t bit = probe(key, i, filter_bits_);
    if ((filter_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

std::optional<std::uint64_t> SortedRun::find(const Key128& key) const {
  if (entries_ == 0 || !may_hold(key)) return std::nullopt;
  const auto after = std::upper_bound(block_first_.begin(), block_first_.end(), key);
  if (after == block_first_.begin()) return std::nullopt;
  const auto block = static_cast<std::uint64_t>(after - block_first_.begin() - 1);
  const std::uint64_t first = block * kBlockEntries;
  const std::size_t count =
      static_cast<std::size_t>(std::min<std::uint64_t>(kBlockEntries, entries_ - first));
  Entry entries[kBlockEntries];
  const auto bytes = static_cast<ssize_t>(count * sizeof(Entry));
  if (::pread(fd_, entries, static_cast<std::size_t>(bytes),
              static_cast<off_t>(first * sizeof(Entry))) != bytes)
    io_failure(who_, "read", path_);
  const Entry* begin = entries;
  const Entry* end = entries + count;
  const Entry* at =
      std::lower_bound(begin, end, key, [](const Entry& e, const Key128& k) { return e.key < k; });
  if (at == end || at->key != key) return std::nullopt;
  return at->value;
}

SortedRun::Writer::Writer(std::string who, std::filesystem::path path, std::uint64_t entries)
    : run_(new SortedRun(std::move(who), std::move(path), entries)) {
  file_ = std::fopen(run_->path_.c_str(), "wb");
  if (file_ == nullptr) io_failure(run_->who_, "create", run_->path_);
  buffer_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(entries, kWriteBufferEntries)));
}

SortedRun::Writer::~Writer() {
  if (file_ != nullptr) std::fclose(file_);  // abandoned: the run removes its file
}

void SortedRun::Writer::add(const Entry& entry) {
  if (written_ % kBlockEntries == 0) run_->block_first_.push_back(entry.key);
  run_->add_to_filter(entry.key);
  buffer_.push_back(entry);
  ++written_;
  if (buffer_.size() == kWriteBufferEntries) flush();
}

void SortedRun::Writer::flush() {
  if (std::fwrite(buffer_.data(), sizeof(Entry), buffer_.size(), file_) != buffer_.size())
    io_failure(run_->who_, "write", run_->path_);
  buffer_.clear();
}

std::unique_ptr<SortedRun> SortedRun::Writer::finish() {
  flush();
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (closed != 0) io_failure(run_->who_, "write", run_->path_);
  if (written_ != run_->entries_)
    throw std::logic_error("SortedRun::Writer: " + std::to_string(written_) + " entries of " +
                           std::to_string(run_->entries_));
  run_->fd_ = ::open(run_->path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (run_->fd_ < 0) io_failure(run_->who_, "open", run_->path_);
  return std::move(run_);
}

SortedRun::Reader SortedRun::reader() const {
  return Reader(who_, path_,
                static_cast<std::size_t>(std::min<std::uint64_t>(entries_, kReadBlockEntries)));
}

}  // namespace loom::spill
