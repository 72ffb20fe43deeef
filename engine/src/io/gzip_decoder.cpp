// gzip decoding; concatenated members (Common Crawl, compress_frame) read as one stream. A member
// that lies whole in the compressed chunk at hand and fits the caller's buffer is decoded by
// libdeflate in one call (2-3x faster than zlib's inflate: a WET file is one member per record,
// ~10-50 KB each); the rest, and every member libdeflate refuses, go through zlib's streaming
// inflate from the member's first byte, so zlib alone decides and words what is wrong with the
// input.
#include "io/compressed_source.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

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
    if (!whole_members_) {
      inflateEnd(&stream_);
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
      if (!in_member_ && decode_whole_member()) {
        if (stream_.avail_out == 0) return out_capacity;
        continue;
      }
      in_member_ = true;
      const uInt out_before = stream_.avail_out;
      const int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        in_member_ = false;
        last_member_in_ = stream_.total_in;
        last_member_out_ = stream_.total_out;
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
  // At a member's start: decodes it with libdeflate when it is whole in the input at hand and
  // fits the output space; false (nothing consumed) otherwise, for zlib to take it. A failed try
  // is wasted work, so members larger than the space left are not tried, judging by the last
  // member's sizes (files of large members, such as compress_frame's, stay with zlib).
  bool decode_whole_member() {
    // FHCRC: zlib checks the header's CRC, libdeflate skips it; leave such rare members to zlib.
    constexpr unsigned char kHeaderCrcFlag = 0x02;
    if (stream_.avail_in < 18 || (stream_.next_in[3] & kHeaderCrcFlag) != 0) return false;
    if (last_member_in_ > stream_.avail_in || last_member_out_ > stream_.avail_out) return false;
    std::size_t in_used = 0;
    std::size_t out_used = 0;
    if (libdeflate_gzip_decompress_ex(whole_members_.get(), stream_.next_in, stream_.avail_in,
                                      stream_.next_out, stream_.avail_out, &in_used,
                                      &out_used) != LIBDEFLATE_SUCCESS)
      return false;
    last_member_in_ = in_used;
    last_member_out_ = out_used;
    stream_.next_in += in_used;
    stream_.avail_in -= static_cast<uInt>(in_used);
    stream_.next_out += out_used;
    stream_.avail_out -= static_cast<uInt>(out_used);
    ++members_;
    stream_end_ = source_.consumed(stream_.avail_in);
    return true;
  }

  CompressedSource source_;
  z_stream stream_;
  std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> whole_members_{
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor};
  std::size_t last_member_in_ = 0;  // compressed and decompressed sizes of the last member
  std::size_t last_member_out_ = 0;
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
