// Streaming zstd for the benchmarks, with the settings loom's own I/O uses (level 3, one thread).
#pragma once

#include <zstd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace loom::bench {

// Compresses a stream into a buffer (floor benchmark) or a file (corpus maker).
class ZstdCompressor {
 public:
  explicit ZstdCompressor(int level);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  // Compresses `data`, appending whatever output is ready to `out`.
  void write(std::string_view data, std::string& out);
  // Ends the frame (appending the rest to `out`) and starts a new one for the next stream.
  void finish(std::string& out);

 private:
  void drive(std::string_view data, ZSTD_EndDirective mode, std::string& out);
  ZSTD_CCtx* context_;
};

// Decompresses a whole .zst file, handing the output to `sink` in pieces of at most a few
// hundred KB. Throws std::runtime_error naming the file on a read or format error.
void decompress_zstd_file(const std::string& path,
                          const std::function<void(std::string_view)>& sink);

}  // namespace loom::bench
