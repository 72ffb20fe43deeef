// Streaming gzip compression via zlib.
#include "io/io_internal.hpp"
#include "io/stream_encoder.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace loom::io::internal {

namespace {

class GzipEncoder final : public StreamEncoder {
 public:
  explicit GzipEncoder(int level) {
    std::memset(&stream_, 0, sizeof stream_);
    // 16 + MAX_WBITS: a gzip header and trailer rather than a raw zlib stream.
    if (deflateInit2(&stream_, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw IoError("cannot initialize the gzip encoder (out of memory)");
    }
  }
  ~GzipEncoder() override { deflateEnd(&stream_); }
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  void write(std::string_view data, FileWriter& file) override {
    while (!data.empty()) {
      const auto chunk = static_cast<uInt>(std::min<std::size_t>(data.size(), UINT_MAX));
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      stream_.avail_in = chunk;
      while (stream_.avail_in > 0) run(Z_NO_FLUSH, file);
      data.remove_prefix(chunk);
    }
  }

  void finish(FileWriter& file) override {
    stream_.avail_in = 0;
    while (run(Z_FINISH, file) != Z_STREAM_END) {
    }
    deflateReset(&stream_);
  }

 private:
  int run(int flush, FileWriter& file) {
    char* space = file.space();
    const auto space_size = static_cast<uInt>(std::min<std::size_t>(file.space_size(), UINT_MAX));
    stream_.next_out = reinterpret_cast<Bytef*>(space);
    stream_.avail_out = space_size;
    const int status = deflate(&stream_, flush);
    if (status == Z_STREAM_ERROR) throw IoError("gzip encoder failed (internal stream error)");
    file.advance(space_size - stream_.avail_out);
    return status;
  }

  z_stream stream_;
};

}  // namespace

std::unique_ptr<StreamEncoder> make_gzip_encoder(int level) {
  return std::make_unique<GzipEncoder>(level);
}

}  // namespace loom::io::internal
