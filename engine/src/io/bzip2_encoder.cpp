// Streaming bzip2 compression via libbz2.
#include "io/io_internal.hpp"
#include "io/stream_encoder.hpp"

#include <bzlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace loom::io::internal {

namespace {

class Bzip2Encoder final : public StreamEncoder {
 public:
  explicit Bzip2Encoder(int level) : level_(level) { start(); }
  ~Bzip2Encoder() override { BZ2_bzCompressEnd(&stream_); }
  Bzip2Encoder(const Bzip2Encoder&) = delete;
  Bzip2Encoder& operator=(const Bzip2Encoder&) = delete;

  void write(std::string_view data, FileWriter& file) override {
    while (!data.empty()) {
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(data.size(), UINT_MAX));
      stream_.next_in = const_cast<char*>(data.data());
      stream_.avail_in = chunk;
      while (stream_.avail_in > 0) run(BZ_RUN, file);
      data.remove_prefix(chunk);
    }
  }

  void finish(FileWriter& file) override {
    stream_.avail_in = 0;
    while (run(BZ_FINISH, file) != BZ_STREAM_END) {
    }
    // libbz2 has no reset: a later write starts a fresh stream.
    BZ2_bzCompressEnd(&stream_);
    start();
  }

 private:
  void start() {
    std::memset(&stream_, 0, sizeof stream_);
    if (BZ2_bzCompressInit(&stream_, level_, 0, 0) != BZ_OK) {
      throw IoError("cannot initialize the bzip2 encoder (out of memory)");
    }
  }

  int run(int action, FileWriter& file) {
    char* space = file.space();
    const auto space_size =
        static_cast<unsigned>(std::min<std::size_t>(file.space_size(), UINT_MAX));
    stream_.next_out = space;
    stream_.avail_out = space_size;
    const int status = BZ2_bzCompress(&stream_, action);
    if (status < 0) throw IoError("bzip2 encoder failed (status " + std::to_string(status) + ")");
    file.advance(space_size - stream_.avail_out);
    return status;
  }

  int level_;
  bz_stream stream_;
};

}  // namespace

std::unique_ptr<StreamEncoder> make_bzip2_encoder(int level) {
  return std::make_unique<Bzip2Encoder>(level);
}

}  // namespace loom::io::internal
