// Streaming gzip compression: igzip for levels 1 to 3 (the default), zlib for 4 to 9.
#include "io/igzip_deflate.hpp"
#include "io/io_internal.hpp"
#include "io/stream_encoder.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace loom::io::internal {

namespace {

// igzip's output depends on how its input is split into calls, so input is cut into blocks of a
// fixed size whatever the sizes of the writes: the file is the same however it was written.
class IgzipEncoder final : public StreamEncoder {
 public:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;

  explicit IgzipEncoder(int level) : deflater_(level) { pending_.reserve(kBlockBytes); }

  void write(std::string_view data, FileWriter& file) override {
    while (!data.empty()) {
      if (pending_.empty() && data.size() >= kBlockBytes) {
        compress(data.substr(0, kBlockBytes), false, file);  // a whole block: no copy
        data.remove_prefix(kBlockBytes);
        continue;
      }
      const std::size_t count = std::min(data.size(), kBlockBytes - pending_.size());
      pending_.append(data.substr(0, count));
      data.remove_prefix(count);
      if (pending_.size() == kBlockBytes) {
        compress(pending_, false, file);
        pending_.clear();
      }
    }
  }

  void finish(FileWriter& file) override {
    compress(pending_, true, file);
    pending_.clear();
  }

 private:
  void compress(std::string_view block, bool last, FileWriter& file) {
    compressed_.clear();
    deflater_.add(block, last, compressed_);
    file.append(compressed_);
  }

  IgzipDeflater deflater_;
  std::string pending_;
  std::string compressed_;
};

class ZlibEncoder final : public StreamEncoder {
 public:
  explicit ZlibEncoder(int level) {
    std::memset(&stream_, 0, sizeof stream_);
    // 16 + MAX_WBITS: a gzip header and trailer rather than a raw zlib stream.
    if (deflateInit2(&stream_, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw IoError("cannot initialize the gzip encoder (out of memory)");
    }
  }
  ~ZlibEncoder() override { deflateEnd(&stream_); }
  ZlibEncoder(const ZlibEncoder&) = delete;
  ZlibEncoder& operator=(const ZlibEncoder&) = delete;

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
  if (level <= kHighestIgzipLevel) return std::make_unique<IgzipEncoder>(level);
  return std::make_unique<ZlibEncoder>(level);
}

}  // namespace loom::io::internal
