// normalize_for_dedup in one pass over the UTF-8, with no code point buffers: the line dedup
// hashes every line of every document, so this is the hot path of Common Crawl's line dedup.
// Equal to the general path (normalizer.cpp) by construction, each step being the same per
// character: strip, lower (one character at a time but for U+03A3, whose lowercase depends on
// its neighbours: a line holding one takes the general path), then digits, unicode punct and
// controls.
#include <ccnet_text/normalizer.hpp>
#include <ccnet_text/python_unicode.hpp>
#include "normalizer_parts.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace loom::ccnet {

namespace pu = python_unicode;

namespace {

// Each input byte becomes at most 3 output bytes (an invalid byte becomes U+FFFD; a 2-byte
// character can lower to a 3-byte one, U+0130 to 'i' + U+0307), plus a block store's overrun.
std::size_t output_bound(std::size_t input_bytes) { return 3 * input_bytes + 16; }

class OutputBuffer {
 public:
  char* reserve(std::size_t bytes) {
    if (bytes > capacity_) {
      capacity_ = std::max(bytes, 2 * capacity_);
      data_ = std::make_unique<char[]>(capacity_);
    }
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

OutputBuffer& thread_buffer() {
  thread_local OutputBuffer buffer;
  return buffer;
}

// The character at s[i] (i advanced past it), as decode_utf8 reads it.
char32_t next_char(const std::uint8_t* s, std::int32_t& i, std::int32_t length) {
  if (s[i] < 0x80) return s[i++];
  UChar32 c = 0;
  U8_NEXT(s, i, length, c);
  return c < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(c);
}

// A lowered character through the digit, punct and control passes of normalize_for_dedup.
char* map_lowered(char32_t c, char* put) {
  if (c < 0x80) return detail::map_ascii(static_cast<char>(c), put);
  if (pu::is_decimal_digit(c)) {
    *put++ = '0';
  } else if (detail::punct_replacement(c) == nullptr && !detail::is_control(c)) {
    put = pu::put_utf8(c, put);
  }
  return put;
}

// Writes normalize_for_dedup(text) at `out` (output_bound(text.size()) bytes) and returns its
// size, or -1 when the text holds a U+03A3 (the general path's job).
std::ptrdiff_t normalize_for_dedup_direct(std::string_view text, char* out) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  // str.strip(), leading side: skip whitespace characters.
  while (i < length) {
    std::int32_t next = i;
    if (!pu::is_space(next_char(s, next, length))) break;
    i = next;
  }
  char* put = out;
  // str.strip(), trailing side: the output ends where the last non-space character's ends.
  char* kept_end = out;
  // Set when the padded last block failed once: the rest goes a character at a time.
  bool tail_tried = false;
  while (i < length) {
    if (s[i] < 0x80 && length - i >= 16) {
      // Sixteen printable ASCII bytes: the only whitespace among them is ' '.
      const int nonspace = detail::map_ascii_block_nonspace(text.data() + i, put);
      if (nonspace >= 0) {
        if (char* end = detail::after_last_nonspace(put, nonspace)) kept_end = end;
        put += 16;
        i += 16;
        continue;
      }
    } else if (s[i] < 0x80 && !tail_tried) {
      // A line's last bytes (most lines end with a few), padded with printable ASCII to a block:
      // one block step instead of one step a character. The store may write past `rest`
      // bytes: within output_bound's overrun.
      const auto rest = static_cast<std::size_t>(length - i);
      char block[16];
      std::memset(block, 'a', sizeof block);
      std::memcpy(block, text.data() + i, rest);
      const int nonspace = detail::map_ascii_block_nonspace(block, put);
      if (nonspace >= 0) {
        const int in_line = nonspace & ((1 << rest) - 1);
        if (char* end = detail::after_last_nonspace(put, in_line)) kept_end = end;
        put += rest;
        break;
      }
      tail_tried = true;
    }
    const char32_t c = next_char(s, i, length);
    if (c == 0x3A3) return -1;
    if (c == 0x130) {  // lower(): 'i' and U+0307 (neither a digit, punct nor control)
      *put++ = 'i';
      put = pu::put_utf8(0x307, put);
    } else {
      put = map_lowered(pu::lower_simple(c), put);
    }
    if (!pu::is_space(c)) kept_end = put;
  }
  return kept_end - out;
}

}  // namespace

void normalize_for_dedup(std::string_view utf8, std::string& out) {
  char* buffer = thread_buffer().reserve(output_bound(utf8.size()));
  const std::ptrdiff_t size = normalize_for_dedup_direct(utf8, buffer);
  if (size < 0) return normalize_for_dedup_general(utf8, out);
  out.assign(buffer, static_cast<std::size_t>(size));
}

std::uint64_t dedup_line_hash(std::string_view line) {
  char* buffer = thread_buffer().reserve(output_bound(line.size()));
  const std::ptrdiff_t size = normalize_for_dedup_direct(line, buffer);
  if (size >= 0) return line_hash({buffer, static_cast<std::size_t>(size)});
  thread_local std::string general;
  normalize_for_dedup_general(line, general);
  return line_hash(general);
}

}  // namespace loom::ccnet
