// gzip decoding via zlib; concatenated members (Common Crawl, compress_frame) read as one stream.
#include "io/compressed_source.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace loom::io::internal {

namespace {

class GzipDecoder final : public Input {
 public:
  GzipDecoder(std::unique_ptr<Input> raw, std::string name)
      : source_(std::move(raw), std::move(name), "gzip") {
    std::memset(&stream_, 0, sizeof stream_);
    // 16 + MAX_WBITS: gzip framing only, so a stray zlib stream is reported, not accepted.
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
      throw IoError("cannot initialize the gzip decoder (out of memory)");
    }
  }
  ~GzipDecoder() override { inflateEnd(&stream_); }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    const auto out_capacity = static_cast<uInt>(std::min<std::size_t>(capacity, UINT_MAX));
    if (done_ || out_capacity == 0) return 0;
    stream_.next_out = reinterpret_cast<Bytef*>(buffer);
    stream_.avail_out = out_capacity;
    for (;;) {
      if (stream_.avail_in == 0 && !source_.at_end()) {
        stream_.avail_in = static_cast<uInt>(source_.fill());
        stream_.next_in = reinterpret_cast<Bytef*>(source_.data());
      }
      if (stream_.avail_in == 0 && source_.at_end() && !in_member_) {
        done_ = true;
        return out_capacity - stream_.avail_out;
      }
      in_member_ = true;
      const uInt out_before = stream_.avail_out;
      const int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        in_member_ = false;
        ++members_;
        stream_end_ = source_.consumed(stream_.avail_in);
        inflateReset(&stream_);
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        if (members_ > 0 && stream_.msg &&
            std::strcmp(stream_.msg, "incorrect header check") == 0) {
          source_.throw_trailing_data(stream_end_);
        }
        source_.throw_corrupt(stream_.avail_in, stream_.msg ? stream_.msg : zError(status));
      }
      if (stream_.avail_out == 0) return out_capacity;
      if (in_member_ && stream_.avail_in == 0 && source_.at_end() &&
          stream_.avail_out == out_before) {
        // Hand over what this call decoded before the cut; the next call reports it, so a
        // reader keeps (and can name) every record that precedes the damage.
        if (stream_.avail_out < out_capacity) return out_capacity - stream_.avail_out;
        source_.throw_truncated(0);
      }
    }
  }

  std::uint64_t raw_position() const override { return source_.consumed(stream_.avail_in); }

 private:
  CompressedSource source_;
  z_stream stream_;
  bool in_member_ = false;
  bool done_ = false;
  std::uint64_t stream_end_ = 0;  // compressed offset after the last complete frame
  std::uint64_t members_ = 0;
};

}  // namespace

std::unique_ptr<Input> make_gzip_decoder(std::unique_ptr<Input> raw, std::string name) {
  return std::make_unique<GzipDecoder>(std::move(raw), std::move(name));
}

}  // namespace loom::io::internal
