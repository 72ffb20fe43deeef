// Decoding ahead on the run's other threads: while a source parses what it read, a task of the
// calling task arena decodes the next chunks of the same stream, so that a shard's inflate (one
// gzip member stream per C4 file) stops adding to the source's serial read. Tasks go through
// this_task_arena::enqueue, so --threads bounds them like any other work, and nothing waits on
// oneTBB: a source's body runs under its input node's lock, and a thread that waited there for
// a task might run one that needs that lock. Instead the reader takes over a queued task's chunk
// itself (decoding it straight into its own buffer) and only ever waits for a chunk that another
// thread is decoding at that moment, which finishes on its own. Before it waits, it decodes a
// chunk of another open stream (the shard its source opened ahead): on two threads a shard's
// inflate is the longest serial chain, and that wait left a core idle while the next shard was
// not being decoded.
#include "base/huge_page_chunks.hpp"
#include "base/tsan_annotations.hpp"
#include "io/io_internal.hpp"

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>

namespace loom::io::internal {

namespace {

// Small enough that a shard's first chunk (decoded by the reader itself, before any task can
// help) is a small share of it; a few of them keep the other thread busy between reads.
constexpr std::size_t kBufferBytes = std::size_t{256} << 10;
// A chunk's bytes leave room for lend()'s padding in its buffer.
constexpr std::size_t kChunkBytes = kBufferBytes - kLendPadding;
// Up to 10 MiB decoded ahead per stream: with a reader that helps, the shard opened ahead gets
// well into its decode before its turn (c4: t2 0.468 -> 0.453 s on 256 MB; 16 chunks gave the
// reader nothing left to help with for much of each shard).
constexpr std::size_t kChunksAhead = 40;
// A task decodes at most this many before queueing again, so that the sink's serial write and
// the other stages do not wait behind a long decode on the thread they could use.
constexpr std::size_t kChunksPerTask = 4;

// Chunk buffers are recycled across the streams of a run, on huge pages (huge_page_chunks.hpp:
// at two threads their first touches were half of a c4 run's page faults): two streams' worth
// (the current shard and the one opened ahead) and a few spare stay resident.
HugePageChunks& chunk_buffers() {
  static_assert(HugePageChunks::kRegionBytes % kBufferBytes == 0);
  static auto* pool = new HugePageChunks(kBufferBytes, 2 * kChunksAhead + 4);
  return *pool;
}
struct GiveBack {
  void operator()(char* buffer) const noexcept { chunk_buffers().give_back(buffer); }
};
using Buffer = std::unique_ptr<char, GiveBack>;

struct Chunk {
  Buffer bytes;
  std::size_t size = 0;
  std::uint64_t raw_end = 0;  // the stream's raw position after decoding it
};

// What the reader and the tasks share; a task that runs after the reader is gone finds
// `closed` and only drops its reference.
struct Stream {
  std::mutex mutex;
  std::condition_variable decoded;
  std::unique_ptr<Input> source;  // touched only by whoever holds `decoding`
  std::deque<Chunk> chunks;
  std::uint64_t raw_end = 0;      // of the last chunk decoded
  bool decoding = false;          // a task or the reader is decoding a chunk right now
  bool task_queued = false;       // a task is queued and has not started
  std::uint64_t task_ticket = 0;  // the queued task's number; the reader taking over bumps it
  bool ended = false;
  bool closed = false;
  std::exception_ptr error;  // after the chunks decoded before it

  bool more_wanted() const { return !ended && !error && !closed && chunks.size() < kChunksAhead; }
};

// Decodes into `out` up to `capacity` bytes (fewer only at the end or on an error, which it
// returns instead of throwing so that the bytes before it are kept).
std::size_t decode_into(Input& source, char* out, std::size_t capacity, std::exception_ptr& error) {
  std::size_t filled = 0;
  try {
    while (filled < capacity) {
      const std::size_t n = source.read(out + filled, capacity - filled);
      if (n == 0) break;
      filled += n;
    }
  } catch (...) {
    error = std::current_exception();
  }
  return filled;
}

// The streams open now (a source's shard and the one it opened ahead), so that a reader that would
// wait while another thread decodes its own stream's next chunk decodes a chunk of another stream
// instead of leaving its core idle.
class OpenStreams {
 public:
  static OpenStreams& instance() {
    static auto* streams = new OpenStreams;  // never destroyed: a task may outlive statics
    return *streams;
  }
  void add(const std::shared_ptr<Stream>& stream) {
    std::lock_guard lock(mutex_);
    streams_.push_back(stream);
  }
  void remove(const Stream* stream) {
    std::lock_guard lock(mutex_);
    std::erase_if(streams_, [stream](const std::weak_ptr<Stream>& s) {
      const std::shared_ptr<Stream> open = s.lock();
      return !open || open.get() == stream;
    });
  }
  // Another open stream, oldest first (the shard read next), that wants a chunk decoded and has
  // nobody decoding it; its state is read under its own lock, never with two stream locks held.
  std::shared_ptr<Stream> one_to_help(const Stream* own) {
    std::vector<std::shared_ptr<Stream>> candidates;
    {
      std::lock_guard lock(mutex_);
      for (const auto& weak : streams_)
        if (std::shared_ptr<Stream> stream = weak.lock(); stream && stream.get() != own)
          candidates.push_back(std::move(stream));
    }
    for (auto& stream : candidates) {
      std::lock_guard lock(stream->mutex);
      if (!stream->decoding && stream->more_wanted()) return std::move(stream);
    }
    return nullptr;
  }

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Stream>> streams_;
};

class DecodeAheadInput final : public Input {
 public:
  explicit DecodeAheadInput(std::unique_ptr<Input> source) : stream_(std::make_shared<Stream>()) {
    stream_->source = std::move(source);
    {
      std::lock_guard lock(stream_->mutex);
      schedule(stream_);
    }
    OpenStreams::instance().add(stream_);
  }

  ~DecodeAheadInput() override {
    lent_.reset();
    OpenStreams::instance().remove(stream_.get());
    std::unique_lock lock(stream_->mutex);
    stream_->closed = true;
    stream_->decoded.wait(lock, [this] { return !stream_->decoding; });
    stream_->source.reset();  // the file closes here, not on whichever thread drops the last ref
  }
  DecodeAheadInput(const DecodeAheadInput&) = delete;
  DecodeAheadInput& operator=(const DecodeAheadInput&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    lent_.reset();
    if (capacity == 0) return 0;
    Stream& s = *stream_;
    std::unique_lock lock(s.mutex);
    while (s.chunks.empty()) {
      if (at_end(lock)) return 0;
      if (!s.decoding) return decode_here(lock, buffer, capacity);
      if (help_another_stream(lock)) continue;
      wait_for_decode(lock);
    }
    std::size_t copied = 0;
    while (copied < capacity && !s.chunks.empty()) {
      Chunk& chunk = s.chunks.front();
      const std::size_t count = std::min(capacity - copied, chunk.size - offset_);
      std::memcpy(buffer + copied, chunk.bytes.get() + offset_, count);
      copied += count;
      offset_ += count;
      raw_position_ = chunk.raw_end;
      if (offset_ == chunk.size) {
        s.chunks.pop_front();
        offset_ = 0;
      }
    }
    if (!s.task_queued && !s.decoding && s.more_wanted()) schedule(stream_);
    return copied;
  }

  // Hands over the next decoded chunk itself (or what a read() left of it) instead of copying it:
  // the copy was the largest cost two threads add to a gzip shard's serial parse.
  std::string_view lend() override {
    lent_.reset();
    Stream& s = *stream_;
    std::unique_lock lock(s.mutex);
    while (s.chunks.empty()) {
      if (at_end(lock)) return {};
      if (!s.decoding) {  // nobody is decoding it: the reader does, into a chunk it then lends
        decode_chunk(s, lock);
        continue;
      }
      if (help_another_stream(lock)) continue;
      wait_for_decode(lock);
    }
    Chunk& chunk = s.chunks.front();
    const std::string_view lent(chunk.bytes.get() + offset_, chunk.size - offset_);
    raw_position_ = chunk.raw_end;
    lent_ = std::move(chunk.bytes);
    s.chunks.pop_front();
    offset_ = 0;
    if (!s.task_queued && !s.decoding && s.more_wanted()) schedule(stream_);
    return lent;
  }

  std::uint64_t raw_position() const override { return raw_position_; }

 private:
  // With no chunk queued: rethrows the stream's error (after every byte decoded before it), or
  // returns whether the stream has ended (the stream's lock is held).
  bool at_end(std::unique_lock<std::mutex>&) {
    Stream& s = *stream_;
    if (s.error) {
      std::exception_ptr error = s.error;
      s.error = nullptr;
      s.ended = true;
      std::rethrow_exception(error);
    }
    if (s.ended) raw_position_ = s.raw_end;
    return s.ended;
  }

  // Nothing decoded and nobody decoding: the reader decodes one chunk into its own buffer (a
  // queued task, if any, then finds its turn taken), and leaves the rest to a task again.
  std::size_t decode_here(std::unique_lock<std::mutex>& lock, char* buffer, std::size_t capacity) {
    Stream& s = *stream_;
    s.decoding = true;
    s.task_queued = false;
    ++s.task_ticket;
    lock.unlock();
    std::exception_ptr error;
    const std::size_t n = decode_into(*s.source, buffer, std::min(capacity, kChunkBytes), error);
    const std::uint64_t raw_end = s.source->raw_position();
    lock.lock();
    s.decoding = false;
    raw_position_ = s.raw_end = raw_end;
    if (error) s.error = error;
    if (n == 0 && !error) s.ended = true;
    if (s.more_wanted()) schedule(stream_);
    s.decoded.notify_all();
    if (n == 0 && error) {
      s.error = nullptr;
      s.ended = true;
      std::rethrow_exception(error);
    }
    return n;
  }

  // Queues a task that decodes chunks until kChunksAhead wait, kChunksPerTask at a time (the
  // stream's lock is held).
  static void schedule(const std::shared_ptr<Stream>& stream) {
    stream->task_queued = true;
    oneapi::tbb::this_task_arena::enqueue(DecodeTask(stream, ++stream->task_ticket));
  }

  // The enqueued functor. oneTBB moves it into its task object and hands that over inside
  // libtbb, where ThreadSanitizer cannot see it: the edge is stated on the functor's own address
  // at the end of each construction (after the captures are written, which a release before
  // enqueue() would miss) and acquired where the task starts, before a capture is read.
  struct DecodeTask {
    std::shared_ptr<Stream> stream;
    std::uint64_t ticket;

    DecodeTask(std::shared_ptr<Stream> s, std::uint64_t t) : stream(std::move(s)), ticket(t) {
      tsan::release(this);
    }
    DecodeTask(const DecodeTask& other) : stream(other.stream), ticket(other.ticket) {
      tsan::release(this);
    }
    DecodeTask(DecodeTask&& other) noexcept
        : stream(std::move(other.stream)), ticket(other.ticket) {
      tsan::release(this);
    }
    DecodeTask& operator=(const DecodeTask&) = delete;
    DecodeTask& operator=(DecodeTask&&) = delete;
    ~DecodeTask() = default;

    void operator()() const {
      tsan::acquire(this);
      run_task(stream, ticket);
    }
  };

  static void run_task(const std::shared_ptr<Stream>& stream, std::uint64_t ticket) noexcept {
    Stream& s = *stream;
    std::unique_lock lock(s.mutex);
    if (!s.task_queued || s.task_ticket != ticket) return;  // the reader took over
    s.task_queued = false;
    for (std::size_t done = 0; !s.decoding && s.more_wanted(); ++done) {
      if (done == kChunksPerTask) {  // back in the queue, behind the graph's waiting work
        schedule(stream);
        return;
      }
      decode_chunk(s, lock);
    }
  }

  // Decodes the stream's next chunk into a pooled buffer and queues it (the stream's lock is held
  // on entry and exit, released while decoding; nobody else is decoding it).
  static void decode_chunk(Stream& s, std::unique_lock<std::mutex>& lock) noexcept {
    s.decoding = true;
    Chunk chunk;
    chunk.raw_end = s.raw_end;
    lock.unlock();
    std::exception_ptr error;
    try {
      chunk.bytes = Buffer(chunk_buffers().take());
      chunk.size = decode_into(*s.source, chunk.bytes.get(), kChunkBytes, error);
      chunk.raw_end = s.source->raw_position();
    } catch (...) {
      if (!error) error = std::current_exception();  // no memory for the chunk
    }
    lock.lock();
    s.decoding = false;
    s.raw_end = chunk.raw_end;
    const bool at_end = chunk.size == 0 && !error;
    if (chunk.size != 0) s.chunks.push_back(std::move(chunk));  // else its buffer goes back
    if (error) s.error = error;
    if (at_end) s.ended = true;
    s.decoded.notify_all();
  }

  // Waits until the decode under way on another thread ends (the stream's lock is held). Checked
  // before waiting, not assumed: help_another_stream() released the lock, and the decode may have
  // ended then, its wake-up sent to nobody; at a stream's last chunk nothing would ever wake the
  // reader again.
  void wait_for_decode(std::unique_lock<std::mutex>& lock) {
    Stream& s = *stream_;
    s.decoded.wait(lock, [&s] { return !s.decoding || !s.chunks.empty(); });
  }

  // Called by the reader, its lock held, while another thread decodes its stream's next chunk:
  // decodes one chunk of another open stream instead of waiting (one chunk, so the reader is
  // back soon after its own is ready). False if no stream needs it.
  bool help_another_stream(std::unique_lock<std::mutex>& own_lock) {
    own_lock.unlock();
    const std::shared_ptr<Stream> other = OpenStreams::instance().one_to_help(stream_.get());
    bool helped = false;
    if (other) {
      std::unique_lock lock(other->mutex);
      if (!other->decoding && other->more_wanted()) {
        decode_chunk(*other, lock);
        // Its queued task may have found this decode under way and ended without queueing again.
        if (!other->task_queued && other->more_wanted()) schedule(other);
        helped = true;
      }
    }
    own_lock.lock();
    return helped;
  }

  std::shared_ptr<Stream> stream_;
  Buffer lent_;             // the chunk lend() handed over last
  std::size_t offset_ = 0;  // into stream_->chunks.front()
  std::uint64_t raw_position_ = 0;
};

}  // namespace

std::unique_ptr<Input> decode_ahead(std::unique_ptr<Input> decoder) {
  if (oneapi::tbb::this_task_arena::max_concurrency() < 2) return decoder;
  return std::make_unique<DecodeAheadInput>(std::move(decoder));
}

}  // namespace loom::io::internal
