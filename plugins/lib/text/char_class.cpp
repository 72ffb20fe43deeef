#include <text/char_class.hpp>

#include <unicode/uchar.h>

namespace loom::textlib {
namespace {

bool is_non_ascii_space(char32_t c) {
  return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

constexpr CodePoint kReplacement{0xfffd, 1, kPunctuation};

bool continuation(unsigned char b) { return (b & 0xc0) == 0x80; }

}  // namespace

std::uint8_t non_ascii_flags(char32_t c) {
  std::uint8_t f = 0;
  if (is_non_ascii_space(c)) f |= kSpace;
  if (c == 0x85 || c == 0x2028 || c == 0x2029) f |= kLineBreak;
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_UPPERCASE_LETTER:
    case U_TITLECASE_LETTER: f |= kAlpha | kUpper; break;
    case U_LOWERCASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER: f |= kAlpha; break;
    case U_DECIMAL_DIGIT_NUMBER: f |= kDigit; break;
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL: f |= kPunctuation; break;
    case U_CONTROL_CHAR:
      if (!(f & kSpace)) f |= kPunctuation;
      break;
    default: break;
  }
  if (u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_S_TERM)) f |= kSentenceEnd;
  return f;
}

CodePoint read_non_ascii(const char* p, const char* end) {
  const auto b0 = static_cast<unsigned char>(p[0]);
  const auto left = end - p;
  char32_t c = 0;
  std::uint8_t bytes = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    if (left < 2 || !continuation(static_cast<unsigned char>(p[1]))) return kReplacement;
    c = ((b0 & 0x1fu) << 6) | (static_cast<unsigned char>(p[1]) & 0x3fu);
    bytes = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    if (left < 3) return kReplacement;
    const auto b1 = static_cast<unsigned char>(p[1]), b2 = static_cast<unsigned char>(p[2]);
    if (!continuation(b1) || !continuation(b2)) return kReplacement;
    c = ((b0 & 0x0fu) << 12) | ((b1 & 0x3fu) << 6) | (b2 & 0x3fu);
    if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return kReplacement;  // overlong, surrogate
    bytes = 3;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (left < 4) return kReplacement;
    const auto b1 = static_cast<unsigned char>(p[1]), b2 = static_cast<unsigned char>(p[2]),
               b3 = static_cast<unsigned char>(p[3]);
    if (!continuation(b1) || !continuation(b2) || !continuation(b3)) return kReplacement;
    c = ((b0 & 0x07u) << 18) | ((b1 & 0x3fu) << 12) | ((b2 & 0x3fu) << 6) | (b3 & 0x3fu);
    if (c < 0x10000 || c > 0x10ffff) return kReplacement;
    bytes = 4;
  } else {
    return kReplacement;
  }
  return {c, bytes, non_ascii_flags(c)};
}

}  // namespace loom::textlib
