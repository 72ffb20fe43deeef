#include "spill_sort.hpp"

#include <tbb/parallel_sort.h>
#include <loom/plugin.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace loom::stackexchange {
namespace {

// Enough readers to merge a 100 GB input spilled in 1 GB runs in one pass; each holds one
// record and a read buffer, so the merge's memory stays small.
constexpr std::size_t merge_fan_in = 64;
constexpr std::size_t file_buffer_bytes = 1 << 16;

// What a buffered record costs besides its bytes: the record itself and allocator slack.
constexpr std::size_t record_overhead = sizeof(SpillRecord) + 32;

// A total order ((key, seq) pairs are unique), so sorting on the run's threads, which is not
// stable, still gives one result.
bool record_less(const SpillRecord& a, const SpillRecord& b) {
  const int c = a.key.compare(b.key);
  return c != 0 ? c < 0 : a.seq < b.seq;
}

std::string system_message() { return std::strerror(errno); }

}  // namespace

// One sorted run on disk: records as (u64 key size, key, u64 seq, u64 payload size, payload).
class RunFile {
 public:
  RunFile(std::filesystem::path path, const char* mode) : path_(std::move(path)) {
    file_ = std::fopen(path_.c_str(), mode);
    if (file_ == nullptr) fail("cannot open");
    std::setvbuf(file_, nullptr, _IOFBF, file_buffer_bytes);
  }
  ~RunFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  void write(const SpillRecord& r) {
    write_u64(r.key.size());
    write_raw(r.key.data(), r.key.size());
    write_u64(r.seq);
    write_u64(r.payload.size());
    write_raw(r.payload.data(), r.payload.size());
  }

  void close() {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) fail("cannot write");
  }

  // False at the end of the run.
  bool read(SpillRecord& r) {
    std::uint64_t key_size = 0;
    const std::size_t got = std::fread(&key_size, 1, sizeof key_size, file_);
    if (got == 0 && std::feof(file_)) return false;
    if (got != sizeof key_size) fail("cut short:");
    read_string(r.key, key_size);
    r.seq = read_u64();
    read_string(r.payload, read_u64());
    return true;
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  void write_u64(std::uint64_t v) { write_raw(&v, sizeof v); }
  void write_raw(const void* data, std::size_t size) {
    if (size != 0 && std::fwrite(data, 1, size, file_) != size) fail("cannot write");
  }
  std::uint64_t read_u64() {
    std::uint64_t v = 0;
    if (std::fread(&v, 1, sizeof v, file_) != sizeof v) fail("cut short:");
    return v;
  }
  void read_string(std::string& s, std::uint64_t size) {
    s.resize(size);
    if (size != 0 && std::fread(s.data(), 1, size, file_) != size) fail("cut short:");
  }
  [[noreturn]] void fail(const char* what) {
    throw Error(std::string(what) + " the spill file " + path_.string() + ": " + system_message() +
                " (see stackexchange_source's spill_dir and memory_budget_mb)");
  }

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

// A run being merged: its file and its current (smallest unread) record. The file is removed as
// soon as the run is consumed or abandoned.
class RunReader {
 public:
  explicit RunReader(const std::filesystem::path& path) : file_(path, "rb") { advance(); }
  ~RunReader() {
    std::error_code ignored;
    std::filesystem::remove(file_.path(), ignored);
  }
  bool advance() { return live_ = file_.read(current_); }
  bool live() const { return live_; }
  SpillRecord& current() { return current_; }

 private:
  RunFile file_;
  SpillRecord current_;
  bool live_ = false;
};

SpillDirectory::SpillDirectory(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path SpillDirectory::new_file(std::string_view label) {
  if (!folder_) {
    try {
      folder_ = std::make_unique<SpillFolder>(root_, "stackexchange");
    } catch (const std::runtime_error& e) {
      throw Error(std::string(e.what()) + " (set stackexchange_source's spill_dir)");
    }
  }
  return folder_->path() / (std::string(label) + "-" + std::to_string(files_++) + ".run");
}

ExternalSorter::ExternalSorter(std::size_t budget_bytes, SpillDirectory& spill, std::string label)
    : budget_(budget_bytes), spill_(spill), label_(std::move(label)) {}

ExternalSorter::~ExternalSorter() {
  merging_.clear();  // removes the runs being read
  std::error_code ignored;
  for (const auto& run : runs_) std::filesystem::remove(run, ignored);
}

void ExternalSorter::add(SpillRecord&& record) {
  buffered_bytes_ += record.key.size() + record.payload.size() + record_overhead;
  buffer_.push_back(std::move(record));
  if (buffered_bytes_ > budget_) spill_buffer();
}

void ExternalSorter::spill_buffer() {
  tbb::parallel_sort(buffer_.begin(), buffer_.end(), record_less);
  RunFile run(spill_.new_file(label_), "wb");
  runs_.push_back(run.path());
  for (const SpillRecord& r : buffer_) run.write(r);
  run.close();
  ++runs_spilled_;
  buffer_.clear();
  buffer_.shrink_to_fit();
  buffered_bytes_ = 0;
}

// Merges the oldest runs, fan_in at a time, into new runs until at most fan_in are left, so the
// final merge never opens more than fan_in files.
void ExternalSorter::merge_runs_down(std::size_t fan_in) {
  while (runs_.size() > fan_in) {
    std::vector<std::unique_ptr<RunReader>> readers;
    for (std::size_t i = 0; i < fan_in; ++i)
      readers.push_back(std::make_unique<RunReader>(runs_[i]));
    runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(fan_in));
    RunFile merged(spill_.new_file(label_), "wb");
    runs_.push_back(merged.path());
    for (;;) {
      RunReader* smallest = nullptr;
      for (auto& r : readers)
        if (r->live() && (smallest == nullptr || record_less(r->current(), smallest->current())))
          smallest = r.get();
      if (smallest == nullptr) break;
      merged.write(smallest->current());
      smallest->advance();
    }
    merged.close();
  }
}

void ExternalSorter::finish() {
  finished_ = true;
  if (runs_.empty()) {
    tbb::parallel_sort(buffer_.begin(), buffer_.end(), record_less);
    return;
  }
  if (!buffer_.empty()) spill_buffer();
  merge_runs_down(merge_fan_in);
  for (const auto& run : runs_) {
    merging_.push_back(std::make_unique<RunReader>(run));
    if (merging_.back()->live()) heap_.push_back(merging_.size() - 1);
  }
  runs_.clear();  // the readers own (and remove) the files now
  std::make_heap(heap_.begin(), heap_.end(), [this](std::size_t a, std::size_t b) {
    return record_less(merging_[b]->current(), merging_[a]->current());
  });
}

bool ExternalSorter::next(SpillRecord& out) {
  if (!finished_) finish();
  if (merging_.empty()) {
    if (next_buffered_ == buffer_.size()) {
      buffer_.clear();
      buffer_.shrink_to_fit();
      next_buffered_ = 0;
      return false;
    }
    out = std::move(buffer_[next_buffered_++]);
    // Give the consumed half back, so memory drains while the caller fills its own buffers.
    if (next_buffered_ >= 4096 && next_buffered_ * 2 >= buffer_.size()) {
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(next_buffered_));
      buffer_.shrink_to_fit();
      next_buffered_ = 0;
    }
    return true;
  }
  const auto greater = [this](std::size_t a, std::size_t b) {
    return record_less(merging_[b]->current(), merging_[a]->current());
  };
  if (heap_.empty()) {
    merging_.clear();
    return false;
  }
  std::pop_heap(heap_.begin(), heap_.end(), greater);
  RunReader& run = *merging_[heap_.back()];
  out = std::move(run.current());
  if (run.advance())
    std::push_heap(heap_.begin(), heap_.end(), greater);
  else
    heap_.pop_back();
  if (heap_.empty()) merging_.clear();
  return true;
}

void put_u64(std::string& out, std::uint64_t value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_u64(out, bytes.size());
  out.append(bytes);
}

std::uint64_t PayloadCursor::u64() {
  std::uint64_t value = 0;
  if (rest_.size() < sizeof value) throw Error("a spilled record is cut short");
  std::memcpy(&value, rest_.data(), sizeof value);
  rest_.remove_prefix(sizeof value);
  return value;
}

std::string_view PayloadCursor::bytes() {
  const std::uint64_t size = u64();
  if (rest_.size() < size) throw Error("a spilled record is cut short");
  std::string_view out = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return out;
}

}  // namespace loom::stackexchange
