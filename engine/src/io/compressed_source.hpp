// The compressed side of a decoder: a raw stream read in large chunks, plus the wording of
// decoding errors so every codec reports truncation and corruption alike.
#pragma once

#include "io/io_internal.hpp"
#include "io/recycled_buffers.hpp"

#include <cstdint>
#include <string>

namespace loom::io::internal {

class CompressedSource {
 public:
  CompressedSource(std::unique_ptr<Input> raw, std::string name, const char* format)
      : raw_(std::move(raw)), name_(std::move(name)), format_(format) {}

  // Reads the next chunk into the buffer (replacing the previous one); 0 at the end.
  std::size_t fill() {
    if (at_end_) return 0;
    const std::size_t count = raw_->read(buffer_.data(), buffer_.size());
    if (count == 0) at_end_ = true;
    total_read_ += count;
    return count;
  }

  char* data() { return buffer_.data(); }
  bool at_end() const { return at_end_; }
  // Compressed bytes handed to the decoder, given how many of the last chunk are still unused.
  std::uint64_t consumed(std::size_t unused) const { return total_read_ - unused; }

  [[noreturn]] void throw_truncated(std::size_t unused) const {
    throw IoError("'" + name_ + "' is truncated: the " + format_ + " data ends after " +
                  std::to_string(consumed(unused)) + " compressed bytes, inside a " + format_ +
                  " frame");
  }
  [[noreturn]] void throw_corrupt(std::size_t unused, const std::string& detail) const {
    throw IoError("'" + name_ + "' is corrupt: invalid " + format_ + " data near compressed byte " +
                  std::to_string(consumed(unused)) + ": " + detail);
  }
  // `stream_end` is where the last complete frame ended.
  [[noreturn]] void throw_trailing_data(std::uint64_t stream_end) const {
    throw IoError("'" + name_ + "' is corrupt: unexpected data after the end of the " + format_ +
                  " stream at compressed byte " + std::to_string(stream_end));
  }

 private:
  std::unique_ptr<Input> raw_;
  std::string name_;
  const char* format_;
  IoBuffer buffer_;
  std::uint64_t total_read_ = 0;
  bool at_end_ = false;
};

}  // namespace loom::io::internal
