// Python's str.strip() and str.split() on UTF-8 bytes, with Unicode whitespace (str.isspace), not
// just ASCII: what cc_net's WET parsing (commoncrawl) and the quality rules (quality) rely on.
#pragma once

#include <cstddef>
#include <string_view>

namespace loom::textlib {

// Bytes of the whitespace character starting at `p` (0 if it is not one). Whitespace is what
// Python's str.isspace() accepts: \t \n \v \f \r, U+001C-U+001F, space, U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
std::size_t whitespace_at(const char* p, const char* end);

// Bytes of the whitespace character ending just before `end` (0 if none).
std::size_t whitespace_before(const char* begin, const char* end);

// str.strip(): the line without leading and trailing Unicode whitespace.
std::string_view python_strip(std::string_view line);
// str.lstrip() and str.rstrip(): without the leading (trailing) Unicode whitespace only.
std::string_view python_lstrip(std::string_view line);
std::string_view python_rstrip(std::string_view line);

// str.split()[n]: the n-th whitespace-separated token, or false when there are not n+1 tokens.
bool python_split_token(std::string_view line, std::size_t n, std::string_view& token);

// len(str): code points of valid UTF-8 (bytes that are not continuation bytes).
std::size_t count_code_points(std::string_view utf8);

}  // namespace loom::textlib
