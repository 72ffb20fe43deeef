#include <text/python_unicode.hpp>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <stdexcept>

namespace loom::textlib {
bool is_ascii(std::string_view utf8) {
  for (const char c : utf8)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool is_non_ascii_python_word_char(char32_t c) {
  const auto u = static_cast<UChar32>(c);
  if (U_GET_GC_MASK(u) & U_GC_L_MASK) return true;
  return u_getIntPropertyValue(u, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

bool is_python_upper_char(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_UPPERCASE);
}

bool is_python_numeric_char(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

bool is_python_upper(std::string_view utf8) {
  bool cased = false;
  const char* p = utf8.data();
  const char* const end = p + utf8.size();
  while (p < end) {
    std::size_t bytes = 0;
    const auto c = static_cast<UChar32>(next_code_point(p, end, bytes));
    p += bytes;
    if (c < 0x80) {
      if (c >= 'a' && c <= 'z') return false;
      cased = cased || (c >= 'A' && c <= 'Z');
      continue;
    }
    if (u_hasBinaryProperty(c, UCHAR_LOWERCASE) || u_charType(c) == U_TITLECASE_LETTER)
      return false;
    cased = cased || u_hasBinaryProperty(c, UCHAR_UPPERCASE);
  }
  return cased;
}

void append_python_lower(std::string_view utf8, std::string& out) {
  if (is_ascii(utf8)) {
    for (const char c : utf8) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return;
  }
  // The root locale: Python's lower() is language-independent (no Turkish or Lithuanian rules).
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  s.toLower(icu::Locale::getRoot());
  s.toUTF8String(out);
}

void append_nfd(std::string_view utf8, std::string& out) {
  if (is_ascii(utf8)) {
    out.append(utf8);
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU has no NFD data");
  const icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  const icu::UnicodeString normalized = nfd->normalize(s, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFD normalization failed");
  normalized.toUTF8String(out);
}

}  // namespace loom::textlib
