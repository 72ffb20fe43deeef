// Per-character predicates of Python's str methods and re module, for code points (not CharFlag,
// whose kUpper is a general category, while Python's isupper() is the derived Uppercase
// property). ICU 72 tables (Unicode 15); Python 3.11 has Unicode 14.
#pragma once

#include <text/char_class.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace loom::textlib {

// is_python_word_char of a code point above U+007F: a letter (L*) or any Numeric_Type.
bool is_non_ascii_python_word_char(char32_t c);

// re's \w on str patterns: str.isalnum() or '_'.
inline bool is_python_word_char(char32_t c) {
  if (c < 0x80)
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return is_non_ascii_python_word_char(c);
}

// str.isupper() of one character (Unicode property Uppercase).
bool is_python_upper_char(char32_t c);
// str.isnumeric() of one character (any Numeric_Type, Unihan numerals included).
bool is_python_numeric_char(char32_t c);
// str.isupper() of a string: it has a cased character and none is lowercase or titlecase.
bool is_python_upper(std::string_view utf8);

// The code point at p (p < end) and its length in bytes; invalid UTF-8 is one byte read as U+FFFD.
inline char32_t next_code_point(const char* p, const char* end, std::size_t& bytes) {
  const auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) {
    bytes = 1;
    return c;
  }
  const CodePoint cp = read_non_ascii(p, end);
  bytes = cp.bytes;
  return cp.value;
}

// str.isascii().
bool is_ascii(std::string_view utf8);

// Appends str.lower() of `utf8` (full case mapping, with Greek final sigma) to `out`.
void append_python_lower(std::string_view utf8, std::string& out);
// Appends unicodedata.normalize("NFD", utf8) to `out`.
void append_nfd(std::string_view utf8, std::string& out);

}  // namespace loom::textlib
