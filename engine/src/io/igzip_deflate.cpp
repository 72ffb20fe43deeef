#include "io/igzip_deflate.hpp"

#include "io/io_internal.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace loom::io::internal {

namespace {

std::size_t level_buffer_bytes(int level) {
  switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
  }
  throw IoError("igzip has no compression level " + std::to_string(level) + " (1 to 3)");
}

const char* igzip_error(int status) {
  switch (status) {
    case INVALID_FLUSH: return "invalid flush";
    case INVALID_PARAM: return "invalid parameter";
    case STATELESS_OVERFLOW: return "output overflow";
    case ISAL_INVALID_OPERATION: return "invalid operation";
    case ISAL_INVALID_STATE: return "invalid state";
    case ISAL_INVALID_LEVEL: return "invalid level";
    case ISAL_INVALID_LEVEL_BUF: return "invalid level buffer";
  }
  return "unknown error";
}

}  // namespace

IgzipDeflater::IgzipDeflater(int level) : level_(level), level_buffer_(level_buffer_bytes(level)) {
  start_member();
}

void IgzipDeflater::start_member() {
  isal_deflate_init(&stream_);
  stream_.level = static_cast<std::uint32_t>(level_);
  stream_.level_buf = level_buffer_.data();
  stream_.level_buf_size = static_cast<std::uint32_t>(level_buffer_.size());
  // igzip's default header: no name, modification time 0, so equal input gives equal bytes.
  stream_.gzip_flag = IGZIP_GZIP;
  stream_.flush = NO_FLUSH;
}

void IgzipDeflater::add(std::string_view data, bool last, std::string& out) {
  constexpr std::size_t kMaxCall = std::numeric_limits<std::uint32_t>::max() / 2;
  do {
    const std::size_t chunk = std::min(data.size(), kMaxCall);
    const bool ends = last && chunk == data.size();
    stream_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<std::uint32_t>(chunk);
    stream_.end_of_stream = ends ? 1 : 0;
    // Room for incompressible input (stored blocks) so that one call usually does it all; the
    // room depends only on the input size, so the output stays a function of the input.
    std::size_t start = out.size();
    out.resize(start + chunk + chunk / 16 + 1024);
    for (;;) {
      stream_.next_out = reinterpret_cast<std::uint8_t*>(out.data() + start);
      stream_.avail_out = static_cast<std::uint32_t>(
          std::min<std::size_t>(out.size() - start, std::numeric_limits<std::uint32_t>::max()));
      const std::uint32_t room = stream_.avail_out;
      const std::uint32_t input_before = stream_.avail_in;
      const int status = isal_deflate(&stream_);
      start += room - stream_.avail_out;
      if (status != COMP_OK) {
        out.resize(start);
        throw IoError(std::string("gzip compression failed: ") + igzip_error(status));
      }
      const bool done =
          stream_.avail_in == 0 && (!ends || stream_.internal_state.state == ZSTATE_END);
      if (done) break;
      if (stream_.avail_out == 0) {
        out.resize(out.size() + out.size() / 2 + 4096);
      } else if (stream_.avail_out == room && stream_.avail_in == input_before) {
        out.resize(start);
        throw IoError("gzip compression failed: igzip made no progress");
      }
    }
    out.resize(start);
    data.remove_prefix(chunk);
  } while (!data.empty());
  if (last) start_member();
}

}  // namespace loom::io::internal
