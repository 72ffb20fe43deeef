// Character classes of Unicode text as Python's str methods and the quality rules see them, read
// straight from UTF-8: one table lookup for ASCII, ICU's properties for the rest.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace loom::textlib {

enum CharFlag : std::uint8_t {
  kSpace = 1,         // str.isspace()
  kLineBreak = 2,     // a str.splitlines() boundary (\n \r \v \f \x1c-\x1e \x85 U+2028 U+2029)
  kAlpha = 4,         // str.isalpha(): general category L*
  kUpper = 8,         // general category Lu or Lt
  kDigit = 16,        // general category Nd
  kPunctuation = 32,  // general category P* or S*, or a control character that is not a space
  kSentenceEnd = 64,  // Unicode property Sentence_Terminal (. ! ? and their script forms)
};

// The flags of a code point above U+007F (ICU 72 tables; Python 3.11 has Unicode 14, ICU 15: a
// character first assigned in Unicode 15 may differ).
std::uint8_t non_ascii_flags(char32_t c);

namespace detail {
constexpr std::array<std::uint8_t, 128> make_ascii_flags() {
  std::array<std::uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    std::uint8_t f = 0;
    if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)) f |= kSpace;
    if ((c >= 0x0a && c <= 0x0d) || (c >= 0x1c && c <= 0x1e)) f |= kLineBreak;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) f |= kAlpha;
    if (c >= 'A' && c <= 'Z') f |= kUpper;
    if (c >= '0' && c <= '9') f |= kDigit;
    if ((c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
        (c >= 0x7b && c <= 0x7e) || ((c < 0x20 || c == 0x7f) && !(f & kSpace)))
      f |= kPunctuation;
    if (c == '.' || c == '!' || c == '?') f |= kSentenceEnd;
    t[static_cast<std::size_t>(c)] = f;
  }
  return t;
}
inline constexpr std::array<std::uint8_t, 128> ascii_flags = make_ascii_flags();
}  // namespace detail

struct CodePoint {
  char32_t value;
  std::uint8_t bytes;  // its length in the UTF-8 text, 1 to 4
  std::uint8_t flags;  // CharFlag bits
};

// Decodes a multi-byte sequence at p (p < end, *p >= 0x80). An invalid or truncated sequence is
// one byte read as U+FFFD (a symbol), as Python's decode(errors="replace") reads it.
CodePoint read_non_ascii(const char* p, const char* end);

// The code point starting at p (p < end).
inline CodePoint read_code_point(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) return {c, 1, detail::ascii_flags[c]};
  return read_non_ascii(p, end);
}

}  // namespace loom::textlib
