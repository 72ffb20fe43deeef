#include "python_text.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loom::github {
namespace {

// Decodes the code point at `utf8[pos]` and advances pos; rejects overlong forms, surrogates and
// values past U+10FFFF as Python's strict UTF-8 codec does.
char32_t next_code_point(std::string_view utf8, std::size_t& pos) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(utf8[k]); };
  const std::size_t start = pos;
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  std::size_t extra = 0;
  char32_t c = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    extra = 1, c = lead & 0x1Fu, minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    extra = 2, c = lead & 0x0Fu, minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    extra = 3, c = lead & 0x07u, minimum = 0x10000;
  } else {
    throw std::invalid_argument("invalid UTF-8 at byte " + std::to_string(start));
  }
  for (std::size_t k = 1; k <= extra; ++k) {
    if (pos + k >= utf8.size())
      throw std::invalid_argument("truncated UTF-8 sequence at byte " + std::to_string(start));
    const unsigned char b = byte(pos + k);
    if ((b & 0xC0u) != 0x80u)
      throw std::invalid_argument("invalid UTF-8 at byte " + std::to_string(start));
    c = (c << 6) | (b & 0x3Fu);
  }
  if (c < minimum || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    throw std::invalid_argument("invalid UTF-8 at byte " + std::to_string(start));
  pos += extra + 1;
  return c;
}

}  // namespace

bool is_python_line_break(char32_t c) {
  switch (c) {
    case U'\n':
    case U'\r':
    case 0x0B:
    case 0x0C:
    case 0x1C:
    case 0x1D:
    case 0x1E:
    case 0x85:
    case 0x2028:
    case 0x2029: return true;
    default: return false;
  }
}

bool is_python_alnum(char32_t c) {
  if (c < 0x80)
    return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
  const auto cp = static_cast<UChar32>(c);
  if ((U_GET_GC_MASK(cp) & U_GC_L_MASK) != 0) return true;
  return u_getIntPropertyValue(cp, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

PythonTextStats python_text_stats(std::string_view utf8) {
  PythonTextStats stats;
  std::int64_t current_line = 0;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const char32_t c = next_code_point(utf8, pos);
    ++stats.code_points;
    if (is_python_alnum(c)) ++stats.alnum_count;
    if (!is_python_line_break(c)) {
      ++current_line;
      continue;
    }
    if (c == U'\r' && pos < utf8.size() && utf8[pos] == '\n') {
      ++pos;
      ++stats.code_points;
    }
    ++stats.line_count;
    stats.max_line_length = std::max(stats.max_line_length, current_line);
    current_line = 0;
  }
  if (current_line > 0) {
    ++stats.line_count;
    stats.max_line_length = std::max(stats.max_line_length, current_line);
  }
  return stats;
}

}  // namespace loom::github
