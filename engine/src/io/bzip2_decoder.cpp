// bzip2 decoding via libbz2; concatenated streams (pbzip2, compress_frame) read as one stream.
#include "io/compressed_source.hpp"

#include <bzlib.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace loom::io::internal {

namespace {

const char* bzip2_error_text(int status) {
  switch (status) {
    case BZ_DATA_ERROR: return "data integrity error (bad block or checksum)";
    case BZ_DATA_ERROR_MAGIC: return "not bzip2 data (bad magic bytes)";
    case BZ_MEM_ERROR: return "out of memory";
    case BZ_PARAM_ERROR: return "invalid decoder parameters";
    default: return "unexpected decoder status";
  }
}

class Bzip2Decoder final : public Input {
 public:
  Bzip2Decoder(std::unique_ptr<Input> raw, std::string name)
      : source_(std::move(raw), std::move(name), "bzip2") {
    std::memset(&stream_, 0, sizeof stream_);
    start_stream();
  }
  ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&stream_); }
  Bzip2Decoder(const Bzip2Decoder&) = delete;
  Bzip2Decoder& operator=(const Bzip2Decoder&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    const auto out_capacity = static_cast<unsigned>(std::min<std::size_t>(capacity, UINT_MAX));
    if (done_ || out_capacity == 0) return 0;
    stream_.next_out = buffer;
    stream_.avail_out = out_capacity;
    for (;;) {
      if (stream_.avail_in == 0 && !source_.at_end()) {
        stream_.avail_in = static_cast<unsigned>(source_.fill());
        stream_.next_in = source_.data();
      }
      if (stream_.avail_in == 0 && source_.at_end() && !in_stream_) {
        done_ = true;
        return out_capacity - stream_.avail_out;
      }
      in_stream_ = true;
      const unsigned out_before = stream_.avail_out;
      const int status = BZ2_bzDecompress(&stream_);
      if (status == BZ_STREAM_END) {
        in_stream_ = false;
        ++streams_;
        stream_end_ = source_.consumed(stream_.avail_in);
        // libbz2 has no reset: end and re-init, keeping the unread input.
        char* next_in = stream_.next_in;
        const unsigned avail_in = stream_.avail_in;
        char* next_out = stream_.next_out;
        const unsigned avail_out = stream_.avail_out;
        BZ2_bzDecompressEnd(&stream_);
        start_stream();
        stream_.next_in = next_in;
        stream_.avail_in = avail_in;
        stream_.next_out = next_out;
        stream_.avail_out = avail_out;
      } else if (status != BZ_OK) {
        if (streams_ > 0 && status == BZ_DATA_ERROR_MAGIC) {
          source_.throw_trailing_data(stream_end_);
        }
        source_.throw_corrupt(stream_.avail_in, bzip2_error_text(status));
      }
      if (stream_.avail_out == 0) return out_capacity;
      if (in_stream_ && stream_.avail_in == 0 && source_.at_end() &&
          stream_.avail_out == out_before) {
        source_.throw_truncated(0);
      }
    }
  }

  std::uint64_t raw_position() const override { return source_.consumed(stream_.avail_in); }

 private:
  void start_stream() {
    stream_.bzalloc = nullptr;
    stream_.bzfree = nullptr;
    stream_.opaque = nullptr;
    if (BZ2_bzDecompressInit(&stream_, 0, 0) != BZ_OK) {
      throw IoError("cannot initialize the bzip2 decoder (out of memory)");
    }
  }

  CompressedSource source_;
  bz_stream stream_;
  bool in_stream_ = false;
  bool done_ = false;
  std::uint64_t stream_end_ = 0;  // compressed offset after the last complete frame
  std::uint64_t streams_ = 0;
};

}  // namespace

std::unique_ptr<Input> make_bzip2_decoder(std::unique_ptr<Input> raw, std::string name) {
  // One thread gains nothing from cutting the stream into blocks: keep the plain stream decoder.
  if (oneapi::tbb::this_task_arena::max_concurrency() > 1)
    return make_bzip2_block_decoder(std::move(raw), std::move(name));
  return std::make_unique<Bzip2Decoder>(std::move(raw), std::move(name));
}

}  // namespace loom::io::internal
