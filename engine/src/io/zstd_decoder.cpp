// zstd streaming decoding straight into the caller's buffer; concatenated frames are one stream.
#include "io/compressed_source.hpp"

#include <zstd.h>
#include <zstd_errors.h>

namespace loom::io::internal {

namespace {

class ZstdDecoder final : public Input {
 public:
  ZstdDecoder(std::unique_ptr<Input> raw, std::string name)
      : source_(std::move(raw), std::move(name), "zstd"), context_(ZSTD_createDCtx()) {
    if (!context_) throw IoError("cannot initialize the zstd decoder (out of memory)");
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(context_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (done_ || capacity == 0) return 0;
    ZSTD_outBuffer out{buffer, capacity, 0};
    for (;;) {
      if (in_.pos == in_.size && !source_.at_end()) {
        in_.size = source_.fill();
        in_.src = source_.data();
        in_.pos = 0;
      }
      if (in_.pos == in_.size && source_.at_end() && !in_frame_) {
        done_ = true;
        return out.pos;
      }
      const std::size_t out_before = out.pos;
      const std::size_t hint = ZSTD_decompressStream(context_, &out, &in_);
      if (ZSTD_isError(hint)) {
        if (frames_ > 0 && !in_frame_ && ZSTD_getErrorCode(hint) == ZSTD_error_prefix_unknown) {
          source_.throw_trailing_data(stream_end_);
        }
        source_.throw_corrupt(in_.size - in_.pos, ZSTD_getErrorName(hint));
      }
      if (hint == 0) {
        in_frame_ = false;
        ++frames_;
        stream_end_ = source_.consumed(in_.size - in_.pos);
      } else {
        in_frame_ = true;
      }
      if (out.pos == out.size) return out.pos;
      if (in_frame_ && in_.pos == in_.size && source_.at_end() && out.pos == out_before) {
        source_.throw_truncated(0);
      }
    }
  }

  std::uint64_t raw_position() const override { return source_.consumed(in_.size - in_.pos); }

 private:
  CompressedSource source_;
  ZSTD_DCtx* context_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool in_frame_ = false;
  bool done_ = false;
  std::uint64_t stream_end_ = 0;  // compressed offset after the last complete frame
  std::uint64_t frames_ = 0;
};

}  // namespace

std::unique_ptr<Input> make_zstd_decoder(std::unique_ptr<Input> raw, std::string name) {
  return std::make_unique<ZstdDecoder>(std::move(raw), std::move(name));
}

}  // namespace loom::io::internal
