// Streaming compressors that encode straight into a FileWriter's buffer.
#pragma once

#include "io/file_writer.hpp"

#include <memory>
#include <string_view>

namespace loom::io::internal {

class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  virtual void write(std::string_view data, FileWriter& file) = 0;
  // Ends the current frame (gzip member, zstd frame, bzip2 stream); a later write starts a new
  // one, so the file stays a valid concatenation.
  virtual void finish(FileWriter& file) = 0;
};

// `level` is already resolved (see resolve_level).
std::unique_ptr<StreamEncoder> make_gzip_encoder(int level);
std::unique_ptr<StreamEncoder> make_zstd_encoder(int level);
std::unique_ptr<StreamEncoder> make_bzip2_encoder(int level);

}  // namespace loom::io::internal
