#include "minhash_index.hpp"

#include <spill/record_reader.hpp>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <tuple>

namespace loom::dedup {
namespace {

using Record = MinhashIndex::Record;

using spill::File;
using RunReader = spill::RecordReader<Record>;

constexpr const char* kWho = "minhash_dedup";
// Per run read back: 1 MB, or less when the runs' blocks would take more than the budget (runs
// are many when the budget is small), down to 4 KB.
constexpr std::size_t kBlockRecords = 1 << 16, kLeastBlockRecords = 1 << 8;

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
    if (!file) spill::io_failure(kWho, "create", path);
    if (std::fwrite(records.data(), sizeof(Record), records.size(), file.get()) != records.size() ||
        std::fclose(file.release()) != 0)
      spill::io_failure(kWho, "write", path);
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

// One band's records in (key, doc) order, merged from its sorted runs and its in-memory buffer
// (sorted here), read a key range at a time.
class MinhashIndex::BandMerge {
 public:
  BandMerge(std::vector<Record>& in_memory, std::vector<RunReader> runs)
      : in_memory_(in_memory), runs_(std::move(runs)) {
    std::sort(in_memory_.begin(), in_memory_.end());
    for (std::size_t run = 0; run < runs_.size(); ++run)
      if (!runs_[run].done()) heap_.emplace(runs_[run].current(), run);
    if (!in_memory_.empty()) heap_.emplace(in_memory_[0], kMemory);
  }
  // The next record if its key is at most `last_key`.
  bool next(std::uint64_t last_key, Record& record) {
    if (heap_.empty() || heap_.top().first.key > last_key) return false;
    std::size_t source;
    std::tie(record, source) = heap_.top();
    heap_.pop();
    if (source == kMemory) {
      if (++memory_at_ < in_memory_.size()) heap_.emplace(in_memory_[memory_at_], source);
    } else {
      runs_[source].next();
      if (!runs_[source].done()) heap_.emplace(runs_[source].current(), source);
    }
    return true;
  }
  bool have_bucket = false;
  Record first{};  // of the current bucket

 private:
  static constexpr std::size_t kMemory = ~std::size_t{0};
  using Entry = std::pair<Record, std::size_t>;  // (record, run or kMemory)
  struct Later {
    bool operator()(const Entry& x, const Entry& y) const { return y.first < x.first; }
  };
  std::vector<Record>& in_memory_;
  std::vector<RunReader> runs_;
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  std::size_t memory_at_ = 0;
};

MinhashIndex::~MinhashIndex() = default;

void MinhashIndex::unite_band(std::size_t band, const BucketVisitor& visit) {
  unite_band_until(band, std::numeric_limits<std::uint64_t>::max(), visit);
}

// Unites each document with the first document of its bucket, bucket by bucket in key order.
void MinhashIndex::unite_band_until(std::size_t band, std::uint64_t last_key,
                                    const BucketVisitor& visit) {
  if (merge_ && merge_band_ != band)
    throw std::logic_error("minhash_dedup: a band left before its last key");
  if (!merge_) {
    std::vector<RunReader> runs;
    runs.reserve(runs_);
    const std::size_t block_records =
        runs_ == 0 ? kBlockRecords
                   : std::clamp(memory_budget_records_ / runs_, kLeastBlockRecords, kBlockRecords);
    for (std::size_t run = 0; run < runs_; ++run)
      runs.emplace_back(kWho, run_path(band, run), block_records);
    merge_ = std::make_unique<BandMerge>(buffers_[band], std::move(runs));
    merge_band_ = band;
  }
  BandMerge& merge = *merge_;
  Record record;
  while (merge.next(last_key, record)) {
    if (merge.have_bucket && record.key == merge.first.key) {
      unite(merge.first.doc, record.doc);
    } else {
      merge.first = record;
      merge.have_bucket = true;
      if (visit) visit(record.key, record.doc);
    }
  }
  if (last_key != std::numeric_limits<std::uint64_t>::max()) return;
  merge_.reset();
  buffers_[band].clear();
  buffers_[band].shrink_to_fit();
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
