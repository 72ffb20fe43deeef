// The text RedPajama's classify.py gives the Wikipedia-reference classifier:
// " ".join(raw_content.strip().splitlines()), with Python's str semantics over UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace loom::redpajama_cc {

// A code point str.splitlines() breaks at (\r\n is one break, handled by the caller).
bool is_python_line_break(char32_t c);

// " ".join(text.strip().splitlines()). After strip() the text starts and ends with no line break,
// so this is the stripped text with each break (\r\n counting once) replaced by one space; an
// empty line in between leaves two spaces, as Python does. Bytes that are not valid UTF-8 are
// kept as they are (never whitespace).
std::string join_stripped_lines(std::string_view utf8);

}  // namespace loom::redpajama_cc
