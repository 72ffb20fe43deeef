// Read-ahead for network inputs: one thread per input keeps reading the transfer into a bounded
// queue while the graph works on what came before, so the network's latency overlaps the work
// instead of adding to it (a local file gets the same from the kernel's read-ahead).
#include "io/io_internal.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace loom::io::internal {

namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kChunksAhead = 8;

class PrefetchInput final : public Input {
 public:
  explicit PrefetchInput(std::unique_ptr<Input> source)
      : source_(std::move(source)), reader_([this] { read_ahead(); }) {}

  ~PrefetchInput() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    reader_.join();  // a read in progress ends with its transfer's own timeouts
  }
  PrefetchInput(const PrefetchInput&) = delete;
  PrefetchInput& operator=(const PrefetchInput&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (capacity == 0) return 0;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !chunks_.empty() || ended_ || error_; });
    if (chunks_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return 0;
    }
    std::string& chunk = chunks_.front();
    const std::size_t count = std::min(capacity, chunk.size() - offset_);
    std::copy_n(chunk.data() + offset_, count, buffer);
    offset_ += count;
    position_ += count;
    if (offset_ == chunk.size()) {
      chunks_.pop_front();
      offset_ = 0;
      changed_.notify_all();
    }
    return count;
  }

  std::uint64_t raw_position() const override {
    std::lock_guard lock(mutex_);
    return position_;
  }

 private:
  void read_ahead() {
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return stopping_ || chunks_.size() < kChunksAhead; });
        if (stopping_) return;
      }
      std::string chunk(kChunkBytes, '\0');
      std::size_t filled = 0;
      std::exception_ptr error;
      try {
        while (filled < chunk.size()) {
          const std::size_t n = source_->read(chunk.data() + filled, chunk.size() - filled);
          if (n == 0) break;
          filled += n;
        }
      } catch (...) {
        error = std::current_exception();  // after the bytes read before it
      }
      chunk.resize(filled);
      std::lock_guard lock(mutex_);
      if (filled > 0) chunks_.push_back(std::move(chunk));
      if (error) error_ = error;
      if (filled == 0 && !error) ended_ = true;
      changed_.notify_all();
      if (error || ended_) return;
    }
  }

  std::unique_ptr<Input> source_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::size_t offset_ = 0;  // into chunks_.front()
  std::uint64_t position_ = 0;
  bool ended_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread reader_;  // last: starts once everything above exists
};

}  // namespace

std::unique_ptr<Input> make_prefetch_input(std::unique_ptr<Input> source) {
  return std::make_unique<PrefetchInput>(std::move(source));
}

}  // namespace loom::io::internal
