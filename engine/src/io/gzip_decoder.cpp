// gzip decoding via ISA-L's igzip (2-3x zlib's inflate, streaming, so members of any size, from
// WET's one per record to a C4 shard's single one, go through one fast path); concatenated
// members (Common Crawl, compress_frame) read as one stream.
#include "io/compressed_source.hpp"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <exception>
#include <memory>
#include <utility>

namespace loom::io::internal {

namespace {

// zlib's wording for the same faults, which the project's messages have always used.
const char* igzip_error_text(int status) {
  switch (status) {
    case ISAL_INVALID_BLOCK: return "invalid block type or stored block length";
    case ISAL_INVALID_SYMBOL: return "invalid literal/length or distance code";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "incorrect header check";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
    case ISAL_NEED_DICT: return "need dictionary";
    default: return "unexpected decoder status";
  }
}

class GzipDecoder final : public Input {
 public:
  GzipDecoder(std::unique_ptr<Input> raw, std::string name)
      : source_(std::move(raw), std::move(name), "gzip"),
        state_(std::make_unique<inflate_state>()) {
    isal_inflate_init(state_.get());
    // gzip framing only, so a stray zlib or raw deflate stream is reported, not accepted.
    state_->crc_flag = ISAL_GZIP;
  }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  // A fault found after this call decoded something hands that over first and is thrown by the
  // next call, so that a reader keeps (and can name) every record before the damage, however
  // large its reads (decode_ahead's are whole chunks).
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (fault_) std::rethrow_exception(std::exchange(fault_, nullptr));
    try {
      return decode(buffer, capacity);
    } catch (const IoError&) {
      const std::uint32_t decoded = decoded_in_call();
      if (decoded == 0) throw;
      fault_ = std::current_exception();
      return decoded;
    }
  }

  std::uint64_t raw_position() const override { return source_.consumed(state_->avail_in); }

 private:
  std::uint32_t decoded_in_call() const {
    return call_capacity_ == 0 ? 0 : call_capacity_ - state_->avail_out;
  }

  std::size_t decode(char* buffer, std::size_t capacity) {
    const auto out_capacity =
        static_cast<std::uint32_t>(std::min<std::size_t>(capacity, UINT32_MAX));
    call_capacity_ = 0;
    if (done_ || out_capacity == 0) return 0;
    inflate_state& s = *state_;
    s.next_out = reinterpret_cast<std::uint8_t*>(buffer);
    s.avail_out = out_capacity;
    call_capacity_ = out_capacity;
    for (;;) {
      if (s.avail_in == 0 && !source_.at_end()) {
        s.avail_in = static_cast<std::uint32_t>(source_.fill());
        s.next_in = reinterpret_cast<std::uint8_t*>(source_.data());
      }
      if (s.avail_in == 0 && source_.at_end() && !in_member_) {
        done_ = true;
        return out_capacity - s.avail_out;
      }
      const bool member_start = !in_member_;
      in_member_ = true;
      const std::uint32_t out_before = s.avail_out;
      const int status = isal_inflate(&s);
      if (status < 0 || status == ISAL_NEED_DICT) {
        // A member that does not even start like gzip, after a complete one: trailing data.
        if (members_ > 0 && member_start && status == ISAL_INVALID_WRAPPER)
          source_.throw_trailing_data(stream_end_);
        source_.throw_corrupt(s.avail_in, igzip_error_text(status));
      }
      if (s.block_state == ISAL_BLOCK_FINISH) {
        in_member_ = false;
        ++members_;
        stream_end_ = source_.consumed(s.avail_in);
        next_member();
      }
      if (s.avail_out == 0) return out_capacity;
      if (in_member_ && s.avail_in == 0 && source_.at_end() && s.avail_out == out_before) {
        // Hand over what this call decoded before the cut; the next call reports it, so a
        // reader keeps (and can name) every record that precedes the damage.
        if (s.avail_out < out_capacity) return out_capacity - s.avail_out;
        source_.throw_truncated(0);
      }
    }
  }

  // Resets the decoder for the next member, keeping the unread input and the output space.
  void next_member() {
    inflate_state& s = *state_;
    std::uint8_t* next_in = s.next_in;
    const std::uint32_t avail_in = s.avail_in;
    std::uint8_t* next_out = s.next_out;
    const std::uint32_t avail_out = s.avail_out;
    isal_inflate_reset(&s);
    s.crc_flag = ISAL_GZIP;
    s.next_in = next_in;
    s.avail_in = avail_in;
    s.next_out = next_out;
    s.avail_out = avail_out;
  }

  CompressedSource source_;
  std::unique_ptr<inflate_state> state_;  // ~40 KB: on the heap
  bool in_member_ = false;
  bool done_ = false;
  std::uint64_t stream_end_ = 0;  // compressed offset after the last complete member
  std::uint64_t members_ = 0;
  std::uint32_t call_capacity_ = 0;  // output space of the current call
  std::exception_ptr fault_;         // found after decoding part of the last call's output
};

}  // namespace

std::unique_ptr<Input> make_gzip_decoder(std::unique_ptr<Input> raw, std::string name) {
  return std::make_unique<GzipDecoder>(std::move(raw), std::move(name));
}

}  // namespace loom::io::internal
