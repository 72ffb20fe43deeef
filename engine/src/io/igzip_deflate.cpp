#include "io/igzip_deflate.hpp"

#include "io/io_internal.hpp"

#include <algorithm>
#include <cstdint>

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

void IgzipDeflater::fail(const std::string& message) {
  start_member();  // the member in progress is abandoned: a later add() starts afresh
  throw IoError(message);
}

void IgzipDeflater::add(std::string_view data, bool last, std::string& out) {
  // Below 2^31 so that the room for it (a sixteenth more) still fits igzip's 32-bit counts.
  constexpr std::size_t kMaxCall = std::size_t{1} << 31;
  do {
    const std::size_t chunk = std::min(data.size(), kMaxCall);
    const bool ends = last && chunk == data.size();
    stream_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<std::uint32_t>(chunk);
    stream_.end_of_stream = ends ? 1 : 0;
    // Room for incompressible input (stored blocks) so that one call usually does it all. The
    // room offered depends only on the input size, never on what earlier calls left in
    // compressed_, so the output stays a function of the input.
    const std::size_t room_wanted = chunk + chunk / 16 + 1024;
    std::size_t used = 0;
    for (;;) {
      if (compressed_.size() < used + room_wanted) compressed_.resize(used + room_wanted);
      stream_.next_out = reinterpret_cast<std::uint8_t*>(compressed_.data() + used);
      stream_.avail_out = static_cast<std::uint32_t>(room_wanted);
      const std::uint32_t input_before = stream_.avail_in;
      const int status = isal_deflate(&stream_);
      used += room_wanted - stream_.avail_out;
      if (status != COMP_OK) fail(std::string("gzip compression failed: ") + igzip_error(status));
      if (stream_.avail_in == 0 && (!ends || stream_.internal_state.state == ZSTATE_END)) break;
      if (stream_.avail_out == room_wanted && stream_.avail_in == input_before)
        fail("gzip compression failed: igzip made no progress");
    }
    out.append(compressed_.data(), used);
    if (compressed_.size() > kMaxKeptScratchBytes) std::string().swap(compressed_);
    data.remove_prefix(chunk);
  } while (!data.empty());
  if (last) start_member();
}

}  // namespace loom::io::internal
