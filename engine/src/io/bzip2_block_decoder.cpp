// bzip2 decoding on the run's threads, block by block as lbzip2 does: the compressed stream is
// scanned for block boundaries (bzip2_blocks.hpp), a run of whole blocks is decoded in parallel
// (each block wrapped as a stream of its own, so libbz2 checks its CRC), and the texts are handed
// over in order; each stream's combined CRC is checked against its blocks'. Two runs are in
// flight: the next one decodes while the caller takes the texts of the one before and while it
// waits for the current one's last block (a dump's XML parse is serial: it would otherwise leave
// the other threads waiting for it, and it for them). Single-stream and
// multistream files (Wikipedia's dumps) alike. Same bytes as the sequential decoder, which a
// one-thread run keeps (bzip2_decoder.cpp).
#include "base/tsan_annotations.hpp"
#include "io/bzip2_blocks.hpp"
#include "io/compressed_source.hpp"

#include <bzlib.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <exception>
#include <optional>

namespace loom::io::internal {

namespace {

namespace bb = bzip2_blocks;

constexpr std::uint64_t kMaxBlockBytes = std::uint64_t{8} << 20;

struct Block {
  std::uint64_t start = 0;  // bit positions in the window, then in its round's bytes
  std::uint64_t end = 0;
  std::uint64_t file_offset = 0;  // compressed byte where it starts, for messages
  char level = '9';
  std::uint32_t crc = 0;  // as its header says
};

// What collect() gathered: whole blocks of one stream, and that stream's end if it came.
struct Round {
  std::vector<Block> blocks;
  std::optional<std::uint32_t> stream_crc;  // the stream ended: its stored combined CRC
  std::uint64_t stream_end_offset = 0;
};

class Bzip2BlockDecoder final : public Input {
 public:
  Bzip2BlockDecoder(std::unique_ptr<Input> raw, std::string name)
      : source_(std::move(raw), std::move(name), "bzip2"),
        blocks_per_round_(4 * static_cast<std::size_t>(
                                  std::max(1, oneapi::tbb::this_task_arena::max_concurrency()))) {}
  ~Bzip2BlockDecoder() override { discard_rounds_after(0); }
  Bzip2BlockDecoder(const Bzip2BlockDecoder&) = delete;
  Bzip2BlockDecoder& operator=(const Bzip2BlockDecoder&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t written = 0;
    while (written < capacity) {
      if (ready_.empty()) {
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
        if (written > 0) break;  // hand over what is here before waiting for more
        if (rounds_.empty()) {
          if (done_) break;
          start_round();
        }
        // A second round decodes while the caller waits for the first: the thread that ends
        // the first round's last block is not left alone with it.
        if (rounds_.size() < 2 && may_collect()) start_round();
        finish_round();
        continue;
      }
      std::string& text = ready_.front();
      const std::size_t n = std::min(capacity - written, text.size() - ready_at_);
      std::memcpy(buffer + written, text.data() + ready_at_, n);
      written += n;
      ready_at_ += n;
      if (ready_at_ == text.size()) {
        ready_.pop_front();
        ready_at_ = 0;
      }
    }
    return written;
  }

  std::uint64_t raw_position() const override { return window_offset_ + bit_ / 8; }

 private:
  // Bytes of the window from the current position on.
  std::uint64_t bytes_left() const { return window_.size() - bit_ / 8; }
  std::uint64_t bits_left() const { return std::uint64_t{window_.size()} * 8 - bit_; }

  // Appends the next raw chunk to the window; false at the end of the file.
  bool fill() {
    if (source_.at_end()) return false;
    const std::size_t n = source_.fill();
    if (n == 0) return false;
    window_.insert(window_.end(), reinterpret_cast<const std::uint8_t*>(source_.data()),
                   reinterpret_cast<const std::uint8_t*>(source_.data()) + n);
    return true;
  }
  // Drops the window's bytes before file bit position `keep_from`.
  void compact(std::uint64_t keep_from) {
    const auto drop = static_cast<std::size_t>(keep_from / 8 - window_offset_);
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(drop));
    window_offset_ += drop;
    bit_ -= std::uint64_t{drop} * 8;
  }
  std::uint64_t file_offset(std::uint64_t bit) const { return window_offset_ + bit / 8; }
  std::size_t unused_after(std::uint64_t offset) const {
    return static_cast<std::size_t>(source_.consumed(0) - offset);
  }
  [[noreturn]] void corrupt(std::uint64_t offset, const char* what) const {
    source_.throw_corrupt(unused_after(offset), what);
  }

  // Parses a stream header at the (byte-aligned) position; false at a clean end of input.
  bool stream_header() {
    while (bytes_left() < 4 && fill()) {
    }
    const std::size_t at = static_cast<std::size_t>(bit_ / 8);
    const std::size_t have = static_cast<std::size_t>(std::min<std::uint64_t>(bytes_left(), 4));
    if (have == 0) return false;
    const bool prefix_ok =
        std::memcmp(window_.data() + at, "BZh", std::min<std::size_t>(have, 3)) == 0;
    const bool level_ok = have < 4 || (window_[at + 3] >= '1' && window_[at + 3] <= '9');
    if (!prefix_ok || !level_ok) {
      if (streams_ > 0) source_.throw_trailing_data(stream_end_);
      corrupt(file_offset(bit_), "not bzip2 data (bad magic bytes)");
    }
    if (have < 4) source_.throw_truncated(0);
    level_ = static_cast<char>(window_[at + 3]);
    bit_ += 32;
    in_stream_ = true;
    return true;
  }

  // Collects whole blocks from the position on, up to blocks_per_round_; stops early at the end
  // of the input or at a stream's end.
  void collect(Round& round) {
    std::vector<Block>& blocks = round.blocks;
    while (blocks.size() < blocks_per_round_) {
      if (!in_stream_) {
        if (!stream_header()) {
          done_ = true;
          return;
        }
      }
      // A magic and a CRC: 80 bits.
      while (bits_left() < 80 && fill()) {
      }
      if (bits_left() < 80) {
        if (!blocks.empty()) return;
        source_.throw_truncated(0);
      }
      const std::uint64_t magic = bb::magic_at(window_, bit_);
      if (magic == bb::kEndMagic) {
        round.stream_crc = bb::bits_at(window_, bit_ + 48, 32);
        round.stream_end_offset = file_offset(bit_);
        bit_ = (bit_ + 80 + 7) / 8 * 8;
        in_stream_ = false;
        ++streams_;
        stream_end_ = file_offset(bit_);
        return;
      }
      if (magic != bb::kBlockMagic)
        corrupt(file_offset(bit_), "data integrity error (bad block or checksum)");
      std::uint64_t end = bb::find_magic(window_, bit_ + 80);
      while (end == bb::kNotFound) {
        // A bzip2 block compresses to about 1 MB at most: far more without a magic is damage,
        // not a block to keep growing the window for.
        if (bytes_left() > kMaxBlockBytes)
          corrupt(file_offset(bit_), "data integrity error (bad block or checksum)");
        const std::uint64_t scanned = std::uint64_t{window_.size()} * 8;  // up to here, none
        if (!fill()) break;
        end = bb::find_magic(window_, std::max(bit_ + 80, scanned - 47));
      }
      if (end == bb::kNotFound) {
        if (!blocks.empty()) return;
        // The input ends inside this block (the stream decoder would wait for the rest too).
        source_.throw_truncated(0);
      }
      blocks.push_back({bit_, end, file_offset(bit_), level_, bb::bits_at(window_, bit_ + 48, 32)});
      bit_ = end;
    }
  }

  // Remembers an error to raise once the text before it is handed over; nothing after it is.
  void fail_after_ready(std::uint64_t offset) {
    try {
      corrupt(offset, "data integrity error (bad block or checksum)");
    } catch (...) {
      error_ = std::current_exception();
    }
    done_ = true;
    discard_rounds_after(0);
  }

  // collect()'s position and stream state, kept with each round collected ahead so that a round
  // before it can take it back (see finish_round).
  struct CollectState {
    std::uint64_t bit = 0;  // in the file, not the window (which compacts)
    bool in_stream = false;
    char level = '9';
    std::uint64_t streams = 0;
    std::uint64_t stream_end = 0;
    bool done = false;
  };
  CollectState collect_state() const {
    return {window_offset_ * 8 + bit_, in_stream_, level_, streams_, stream_end_, done_};
  }

  // A round being decoded: its blocks' bits are copied out of the window, so that collecting the
  // next round may grow the window (and move it) while these are decoded.
  struct InFlight {
    Round round;                      // block positions in `bytes`
    std::vector<std::uint8_t> bytes;  // the compressed bytes the blocks span
    std::uint64_t first_bit = 0;      // file bit position of bytes[0]
    CollectState before;              // collect()'s state before this round
    std::exception_ptr collect_error;
    std::vector<bb::Decoded> decoded;
    // Behind a pointer: task_group's destructor may throw, an Input's may not.
    std::unique_ptr<oneapi::tbb::task_group> tasks = std::make_unique<oneapi::tbb::task_group>();
  };

  bool may_collect() const { return !done_ && !error_ && !rounds_.back().collect_error; }

  // Collects the next round's blocks and starts decoding them as tasks of the run's arena. A
  // failure to collect is raised once the text before it is handed over, as the round's blocks
  // would have been: none of them is decoded (what the one-round-at-a-time decoder did too).
  void start_round() {
    InFlight& next = rounds_.emplace_back();
    next.before = collect_state();
    try {
      collect(next.round);
    } catch (...) {
      next.round.blocks.clear();
      next.collect_error = std::current_exception();
      return;
    }
    std::vector<Block>& blocks = next.round.blocks;
    if (blocks.empty()) return;
    const std::uint64_t from = blocks.front().start / 8;
    const std::uint64_t to = std::min<std::uint64_t>((blocks.back().end + 7) / 8, window_.size());
    next.bytes.assign(window_.begin() + static_cast<std::ptrdiff_t>(from),
                      window_.begin() + static_cast<std::ptrdiff_t>(to));
    next.first_bit = (window_offset_ + from) * 8;
    for (Block& block : blocks) {
      block.start -= from * 8;
      block.end -= from * 8;
    }
    next.decoded.resize(blocks.size());
    InFlight* round = &next;  // a deque's elements stay where they are as others come and go
    for (std::size_t i = 0; i < blocks.size(); ++i) round->tasks->run(DecodeBlock(round, i));
  }

  // One block's decode, run on the arena. oneTBB hands the functor to a worker, and later
  // returns from wait(), inside libtbb, where ThreadSanitizer cannot see it: the start is stated
  // on the functor's own address at the end of each construction (after the round was filled in
  // and the captures written) and acquired where the task starts; the end is released on the
  // round where the task ends and acquired where wait() returns (wait_for_round()).
  struct DecodeBlock {
    InFlight* round;
    std::size_t index;

    DecodeBlock(InFlight* r, std::size_t i) : round(r), index(i) { tsan::release(this); }
    DecodeBlock(const DecodeBlock& other) : round(other.round), index(other.index) {
      tsan::release(this);
    }
    DecodeBlock(DecodeBlock&& other) noexcept : round(other.round), index(other.index) {
      tsan::release(this);
    }
    DecodeBlock& operator=(const DecodeBlock&) = delete;
    DecodeBlock& operator=(DecodeBlock&&) = delete;
    ~DecodeBlock() = default;

    void operator()() const {
      tsan::acquire(this);
      const Block& block = round->round.blocks[index];
      round->decoded[index] =
          bb::decode_stream(bb::wrap_block(round->bytes, block.start, block.end, block.level));
      tsan::release(round);
    }
  };

  // Waits for the tasks of `round` (rethrowing a task's failure).
  static void wait_for_round(InFlight& round) {
    round.tasks->wait();
    tsan::acquire(&round);
  }

  // Stops the rounds collected after the first `keep` and forgets them.
  void discard_rounds_after(std::size_t keep) {
    while (rounds_.size() > keep) {
      rounds_.back().tasks->cancel();
      try {
        wait_for_round(rounds_.back());
      } catch (...) {  // a failure in text nobody will read
      }
      rounds_.pop_back();
    }
  }

  // Collects again from file bit position `bit`, inside a stream of `level`: the rounds
  // collected after the current one are dropped and collect()'s state taken back.
  void collect_again_from(std::uint64_t bit, char level) {
    if (!rounds_.empty()) {
      const CollectState& before = rounds_.front().before;
      streams_ = before.streams;
      stream_end_ = before.stream_end;
      done_ = before.done;
      discard_rounds_after(0);
    }
    bit_ = bit - window_offset_ * 8;  // still in the window: compact() keeps it
    in_stream_ = true;
    level_ = level;
  }

  // Waits for the oldest round, checks it and queues its texts.
  void finish_round() {
    wait_for_round(rounds_.front());  // its tasks write into it where it is: wait, then move
    InFlight round_in_flight = std::move(rounds_.front());
    rounds_.pop_front();
    if (round_in_flight.collect_error) {
      error_ = round_in_flight.collect_error;
      done_ = true;
      discard_rounds_after(0);
      return;
    }
    const Round& round = round_in_flight.round;
    const std::vector<Block>& blocks = round.blocks;
    const std::vector<std::uint8_t>& bytes = round_in_flight.bytes;
    std::vector<bb::Decoded>& decoded = round_in_flight.decoded;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      std::size_t last = i;  // the block's data may run to the end of block `last`
      if (decoded[i].status != BZ_STREAM_END) {
        // Block data can hold a magic's 48 bits by chance (about once in 2^47 bits), which cuts
        // a block in two: join the pieces that follow until the block checks out.
        constexpr std::size_t kMaxJoined = 3;
        for (last = i + 1; last < blocks.size() && last <= i + kMaxJoined; ++last) {
          decoded[i] = bb::decode_stream(
              bb::wrap_block(bytes, blocks[i].start, blocks[last].end, blocks[i].level));
          if (decoded[i].status == BZ_STREAM_END) break;
        }
        if (decoded[i].status != BZ_STREAM_END) {
          if (i > 0 && last == blocks.size() && !round.stream_crc) {
            // The rest may come in the next round: start it there.
            collect_again_from(round_in_flight.first_bit + blocks[i].start, blocks[i].level);
            break;
          }
          fail_after_ready(blocks[i].file_offset);
          break;
        }
      }
      combined_crc_ = bb::combine_crc(combined_crc_, blocks[i].crc);
      if (!decoded[i].text.empty()) ready_.push_back(std::move(decoded[i].text));
      i = last;
    }
    if (round.stream_crc && !error_) {  // (done_ may be the next round's clean end)
      if (*round.stream_crc != combined_crc_) fail_after_ready(round.stream_end_offset);
      combined_crc_ = 0;
    }
    // The window keeps what the rounds still in flight may have to be collected again from.
    compact(rounds_.empty() ? window_offset_ * 8 + bit_ : rounds_.front().before.bit);
  }

  CompressedSource source_;
  std::size_t blocks_per_round_;
  std::vector<std::uint8_t> window_;  // compressed bytes from window_offset_ on
  std::uint64_t window_offset_ = 0;
  std::uint64_t bit_ = 0;  // position in window_ of what is parsed next
  bool in_stream_ = false;
  char level_ = '9';
  std::uint32_t combined_crc_ = 0;  // of the current stream's blocks handed over so far
  std::uint64_t streams_ = 0;
  std::uint64_t stream_end_ = 0;  // compressed offset after the last complete stream
  std::deque<InFlight> rounds_;   // collected, being decoded, in file order (at most 2)
  std::deque<std::string> ready_;
  std::size_t ready_at_ = 0;
  std::exception_ptr error_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Input> make_bzip2_block_decoder(std::unique_ptr<Input> raw, std::string name) {
  return std::make_unique<Bzip2BlockDecoder>(std::move(raw), std::move(name));
}

}  // namespace loom::io::internal
