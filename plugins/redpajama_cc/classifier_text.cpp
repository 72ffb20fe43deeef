#include "classifier_text.hpp"

#include <text/python_whitespace.hpp>

#include <cstdint>

namespace loom::redpajama_cc {
namespace {

// The code point starting at text[pos] and its length in bytes; an invalid or truncated
// sequence reads as one byte that is no code point Python treats specially (U+FFFD).
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t c = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    c = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    c = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    c = lead & 0x07;
  } else {
    return {0xFFFD, 1};
  }
  if (pos + length > text.size()) return {0xFFFD, 1};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {0xFFFD, 1};
    c = (c << 6) | (byte(i) & 0x3F);
  }
  return {c, length};
}

}  // namespace

bool is_python_line_break(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
         c == 0x85 || c == 0x2028 || c == 0x2029;
}

std::string join_stripped_lines(std::string_view utf8) {
  // strip(): find the first and last code points that are not whitespace.
  std::size_t begin = utf8.size(), end = 0;
  for (std::size_t pos = 0; pos < utf8.size();) {
    const auto [c, length] = decode(utf8, pos);
    if (!textlib::is_python_space(c)) {
      if (begin == utf8.size()) begin = pos;
      end = pos + length;
    }
    pos += length;
  }
  std::string out;
  if (begin >= end) return out;
  out.reserve(end - begin);
  for (std::size_t pos = begin; pos < end;) {
    const auto [c, length] = decode(utf8, pos);
    if (is_python_line_break(c)) {
      out += ' ';
      pos += length;
      if (c == '\r' && pos < end && utf8[pos] == '\n') ++pos;
      continue;
    }
    out.append(utf8, pos, length);
    pos += length;
  }
  return out;
}

}  // namespace loom::redpajama_cc
