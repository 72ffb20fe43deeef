#include "minhash_index.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>

namespace loom::dedup {
namespace {

using Record = MinhashIndex::Record;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

[[noreturn]] void io_failure(const char* what, const std::filesystem::path& path) {
  throw std::runtime_error(std::string("minhash_dedup: cannot ") + what + " the spill run " +
                           path.string() + ": " + std::strerror(errno));
}

// One sorted run read back in blocks.
class RunReader {
 public:
  explicit RunReader(const std::filesystem::path& path) : path_(path) {
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) io_failure("open", path);
    block_.resize(kBlockRecords);
    refill();
  }
  bool done() const { return at_ == size_; }
  const Record& current() const { return block_[at_]; }
  void next() {
    if (++at_ == size_) refill();
  }

 private:
  static constexpr std::size_t kBlockRecords = 1 << 16;  // 1 MB
  void refill() {
    size_ = std::fread(block_.data(), sizeof(Record), block_.size(), file_.get());
    if (size_ == 0 && std::ferror(file_.get())) io_failure("read", path_);
    at_ = 0;
  }
  std::filesystem::path path_;
  File file_;
  std::vector<Record> block_;
  std::size_t size_ = 0, at_ = 0;
};

}  // namespace

MinhashIndex::MinhashIndex(std::size_t bands, std::size_t memory_budget_bytes,
                           std::filesystem::path spill_parent)
    : memory_budget_records_(memory_budget_bytes / sizeof(Record)),
      spill_parent_(std::move(spill_parent)),
      buffers_(bands) {
  // Each band's share of the budget, allocated once (pages are touched only as records come):
  // growing by doubling could hold up to twice the budget.
  if (memory_budget_records_ != 0)
    for (std::vector<Record>& records : buffers_)
      records.reserve(memory_budget_records_ / bands + 1);
}

std::uint32_t MinhashIndex::next_index() {
  if (parent_.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::runtime_error("minhash_dedup: more than 4294967294 documents (its index limit)");
  const auto doc = static_cast<std::uint32_t>(parent_.size());
  parent_.push_back(doc);
  return doc;
}

std::uint32_t MinhashIndex::add(const std::uint64_t* band_keys) {
  const std::uint32_t doc = next_index();
  for (std::size_t band = 0; band < buffers_.size(); ++band)
    buffers_[band].push_back(Record{band_keys[band], doc});
  buffered_ += buffers_.size();
  if (memory_budget_records_ != 0 && buffered_ >= memory_budget_records_) spill();
  return doc;
}

std::uint32_t MinhashIndex::add_without_keys() { return next_index(); }

std::filesystem::path MinhashIndex::run_path(std::size_t band, std::size_t run) const {
  return spill_folder_->path() / ("band-" + std::to_string(band) + "-run-" + std::to_string(run));
}

void MinhashIndex::spill() {
  if (!spill_folder_) {
    remove_stale_spill_folders(spill_parent_);
    spill_folder_ = std::make_unique<SpillFolder>(spill_parent_, "minhash");
  }
  for (std::size_t band = 0; band < buffers_.size(); ++band) {
    std::vector<Record>& records = buffers_[band];
    std::sort(records.begin(), records.end());
    const std::filesystem::path path = run_path(band, runs_);
    File file(std::fopen(path.c_str(), "wb"));
    if (!file) io_failure("create", path);
    if (std::fwrite(records.data(), sizeof(Record), records.size(), file.get()) != records.size() ||
        std::fclose(file.release()) != 0)
      io_failure("write", path);
    records.clear();  // keeps its capacity for the next run
  }
  buffered_ = 0;
  ++runs_;
}

std::uint32_t MinhashIndex::find(std::uint32_t doc) {
  while (parent_[doc] != doc) {
    parent_[doc] = parent_[parent_[doc]];  // path halving
    doc = parent_[doc];
  }
  return doc;
}

void MinhashIndex::unite(std::uint32_t a, std::uint32_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return;
  if (a < b)
    parent_[b] = a;
  else
    parent_[a] = b;
}

// Streams the band's records in (key, doc) order, from its runs and what is still in memory, and
// unites each document with the first document of its bucket.
void MinhashIndex::unite_band(std::size_t band, const BucketVisitor& visit) {
  std::vector<Record>& in_memory = buffers_[band];
  std::sort(in_memory.begin(), in_memory.end());
  std::vector<RunReader> runs;
  runs.reserve(runs_);
  for (std::size_t run = 0; run < runs_; ++run) runs.emplace_back(run_path(band, run));
  // Heap entries: (record, source); source runs_ is the in-memory buffer.
  using Entry = std::pair<Record, std::size_t>;
  auto later = [](const Entry& x, const Entry& y) { return y.first < x.first; };
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> heap(later);
  std::size_t memory_at = 0;
  for (std::size_t run = 0; run < runs.size(); ++run)
    if (!runs[run].done()) heap.emplace(runs[run].current(), run);
  if (memory_at < in_memory.size()) heap.emplace(in_memory[memory_at], runs_);
  bool have_bucket = false;
  Record first{};
  while (!heap.empty()) {
    const auto [record, source] = heap.top();
    heap.pop();
    if (source == runs_) {
      if (++memory_at < in_memory.size()) heap.emplace(in_memory[memory_at], source);
    } else {
      runs[source].next();
      if (!runs[source].done()) heap.emplace(runs[source].current(), source);
    }
    if (have_bucket && record.key == first.key) {
      unite(first.doc, record.doc);
    } else {
      first = record;
      have_bucket = true;
      if (visit) visit(record.key, record.doc);
    }
  }
  in_memory.clear();
  in_memory.shrink_to_fit();
  if (spill_folder_)
    for (std::size_t run = 0; run < runs_; ++run) std::filesystem::remove(run_path(band, run));
}

void MinhashIndex::resolve() {
  if (resolved_) return;
  for (std::size_t band = 0; band < buffers_.size(); ++band) unite_band(band);
  settle();
}

void MinhashIndex::settle() {
  if (resolved_) return;
  has_members_.assign(parent_.size(), false);
  for (std::uint32_t doc = 0; doc < parent_.size(); ++doc) {
    parent_[doc] = find(doc);
    if (parent_[doc] != doc) has_members_[parent_[doc]] = true;
  }
  spill_folder_.reset();
  resolved_ = true;
}

}  // namespace loom::dedup
