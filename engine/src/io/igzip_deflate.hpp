// gzip compression through ISA-L's igzip (levels 1 to 3), an order of magnitude faster than
// zlib's deflate at a ratio close to zlib's levels 3 and 4 (docs/bench.md has the measurement).
#pragma once

#include <isa-l/igzip_lib.h>

#include <string>
#include <string_view>
#include <vector>

namespace loom::io::internal {

// Gzip levels 1 to 3 go through igzip (its own levels 1 to 3), 4 to 9 through zlib.
inline constexpr int kHighestIgzipLevel = 3;

// One gzip member at a time. The bytes produced depend only on the level and on the sequence of
// add() calls (their sizes included): callers that must not depend on how their input arrived
// feed it in fixed-size blocks (see IgzipEncoder in gzip_encoder.cpp).
class IgzipDeflater {
 public:
  explicit IgzipDeflater(int level);
  IgzipDeflater(const IgzipDeflater&) = delete;
  IgzipDeflater& operator=(const IgzipDeflater&) = delete;

  // Compresses `data` into the current member, appending to `out`; `last` ends the member (a
  // later add() starts a new one).
  void add(std::string_view data, bool last, std::string& out);
  int level() const { return level_; }

 private:
  void start_member();
  [[noreturn]] void fail(const std::string& message);

  int level_;
  isal_zstream stream_;
  std::vector<unsigned char> level_buffer_;
  // Where igzip writes before the bytes are appended to the caller's string: kept between calls
  // (up to kMaxKeptScratchBytes) so that no call zero-fills or faults in fresh memory.
  std::string compressed_;
};

}  // namespace loom::io::internal
