// Streaming zstd compression, with content checksums so corruption is caught on reading.
#include "io/io_internal.hpp"
#include "io/stream_encoder.hpp"

#include <zstd.h>

namespace loom::io::internal {

namespace {

class ZstdEncoder final : public StreamEncoder {
 public:
  explicit ZstdEncoder(int level) : context_(ZSTD_createCCtx()) {
    if (!context_) throw IoError("cannot initialize the zstd encoder (out of memory)");
    try {
      check(ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, level));
      check(ZSTD_CCtx_setParameter(context_, ZSTD_c_checksumFlag, 1));
    } catch (...) {
      ZSTD_freeCCtx(context_);
      throw;
    }
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(context_); }
  ZstdEncoder(const ZstdEncoder&) = delete;
  ZstdEncoder& operator=(const ZstdEncoder&) = delete;

  void write(std::string_view data, FileWriter& file) override {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (in.pos < in.size) run(in, ZSTD_e_continue, file);
  }

  void finish(FileWriter& file) override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (run(in, ZSTD_e_end, file) != 0) {
    }
  }

 private:
  std::size_t run(ZSTD_inBuffer& in, ZSTD_EndDirective directive, FileWriter& file) {
    char* space = file.space();
    ZSTD_outBuffer out{space, file.space_size(), 0};
    const std::size_t remaining = check(ZSTD_compressStream2(context_, &out, &in, directive));
    file.advance(out.pos);
    return remaining;
  }

  static std::size_t check(std::size_t result) {
    if (ZSTD_isError(result)) {
      throw IoError(std::string("zstd encoder failed: ") + ZSTD_getErrorName(result));
    }
    return result;
  }

  ZSTD_CCtx* context_;
};

}  // namespace

std::unique_ptr<StreamEncoder> make_zstd_encoder(int level) {
  return std::make_unique<ZstdEncoder>(level);
}

}  // namespace loom::io::internal
