// The pieces of CPython 3.11 str semantics cc_net's normalizer relies on, on UTF-32 text, backed by
// ICU. ICU 72 carries Unicode 15.0 data while Python 3.11 has Unicode 14.0, so every property read
// here treats a character first assigned after 14.0 as Python does: unassigned (no case mapping,
// no decomposition, category Cn).
#pragma once

#include <string_view>
#include <vector>

namespace loom::ccnet::python_unicode {

using CodePoints = std::vector<char32_t>;

// UTF-8 to code points; an invalid sequence becomes U+FFFD.
void decode_utf8(std::string_view utf8, CodePoints& out);

// Writes c as UTF-8 at `out` (room for 4 bytes) and returns the end.
inline char* put_utf8(char32_t c, char* out) {
  if (c < 0x80) {
    *out++ = static_cast<char>(c);
  } else if (c < 0x800) {
    *out++ = static_cast<char>(0xC0 | (c >> 6));
    *out++ = static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (c >> 12));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (c >> 18));
    *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// str.isspace() for one character (Py_UNICODE_ISSPACE).
inline bool is_space(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// str.strip(): the view without leading and trailing whitespace.
std::u32string_view strip(std::u32string_view text);

// str.lower(): full lowercase mapping (U+0130 becomes two code points) and the final-sigma rule.
void lower(std::u32string_view text, CodePoints& out);

// The lowercase of one character other than U+0130 (which lowers to two) and U+03A3 (whose
// lowercase depends on its neighbours): what lower() maps every other character to.
char32_t lower_simple(char32_t c);

// unicodedata.normalize("NFD", text) with every character of category Mn then removed.
void strip_accents(std::u32string_view text, CodePoints& out);

// re `\d` on str: a character of category Nd.
bool is_decimal_digit(char32_t c);

}  // namespace loom::ccnet::python_unicode
