// Python str semantics the GitHub slice depends on, over UTF-8: code-point lengths,
// str.splitlines() line boundaries and str.isalnum(), with ICU's Unicode tables.
#pragma once

#include <cstdint>
#include <string_view>

namespace loom::github {

// What the reference's get_filecontent_stats() derives from a file's content.
struct PythonTextStats {
  std::int64_t code_points = 0;      // len(content)
  std::int64_t line_count = 0;       // len(content.splitlines())
  std::int64_t max_line_length = 0;  // max(map(len, content.splitlines())), 0 when no line
  std::int64_t alnum_count = 0;      // sum(ch.isalnum() for ch in content)
};

// Throws std::invalid_argument naming the byte offset when `utf8` is not valid UTF-8 (what
// Python's strict decoder would refuse).
PythonTextStats python_text_stats(std::string_view utf8);

// True for the code points str.splitlines() breaks at (\r\n counts once, as a pair).
bool is_python_line_break(char32_t c);

// str.isalnum() of a one-character string: a letter (L*) or any Numeric_Type (Nd, Nl, No and
// the CJK ideographs with a numeric value).
bool is_python_alnum(char32_t c);

}  // namespace loom::github
