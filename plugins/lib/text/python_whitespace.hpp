// Python's str.strip() and str.split() on UTF-8 bytes, with Unicode whitespace (str.isspace), not
// just ASCII: what cc_net's WET parsing (commoncrawl) and the quality rules (quality) rely on.
#pragma once

#include <cstddef>
#include <string_view>

namespace loom::textlib {

// Python's str.isspace() for one code point (Py_UNICODE_ISSPACE: bidirectional class WS, B or S,
// or category Zs); `re`'s \s uses it for str patterns. The characters whitespace_at accepts.
constexpr bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

// whitespace_at for a character that does not start with an ASCII byte.
std::size_t non_ascii_whitespace_at(const char* p, const char* end);

// Bytes of the whitespace character starting at `p` (0 if it is not one). Whitespace is what
// Python's str.isspace() accepts: \t \n \v \f \r, U+001C-U+001F, space, U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. Inline for ASCII: tokenizers call it on
// every byte.
inline std::size_t whitespace_at(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ? 1 : 0;
  return non_ascii_whitespace_at(p, end);
}

// Bytes of the whitespace character ending just before `end` (0 if none).
std::size_t whitespace_before(const char* begin, const char* end);

// str.strip(): the line without leading and trailing Unicode whitespace.
std::string_view python_strip(std::string_view line);
// str.lstrip() and str.rstrip(): without the leading (trailing) Unicode whitespace only.
std::string_view python_lstrip(std::string_view line);
std::string_view python_rstrip(std::string_view line);

// Calls on_word(std::string_view) for each element of str.split(): the runs of characters
// between Unicode whitespace, in order.
template <class OnWord>
void for_each_split_word(std::string_view text, OnWord&& on_word) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    if (const std::size_t space = whitespace_at(p, end); space != 0) {
      p += space;
      continue;
    }
    const char* const start = p;
    while (p < end && whitespace_at(p, end) == 0) ++p;
    on_word(std::string_view(start, static_cast<std::size_t>(p - start)));
  }
}

// str.split()[n]: the n-th whitespace-separated token, or false when there are not n+1 tokens.
bool python_split_token(std::string_view line, std::size_t n, std::string_view& token);

// len(str): code points of valid UTF-8 (bytes that are not continuation bytes).
std::size_t count_code_points(std::string_view utf8);

}  // namespace loom::textlib
