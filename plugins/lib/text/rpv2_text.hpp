// RedPajama-V2's views of a document's text (core/document.py, utilities/text/normalization.py):
// its normalization and nltk's WordPunctTokenizer, as the rpv2_signals component needs them.
// docs/reference/rpv2-signals.md#how-v2-tokenizes-and-normalizes says where Loom differs.
#pragma once

#include <text/python_unicode.hpp>
#include <text/python_whitespace.hpp>

#include <string>
#include <string_view>

namespace loom::textlib {

// V2's normalize(): delete ASCII string.punctuation, str.lower(), str.strip(), runs of Unicode
// whitespace (re's \s) become one space, then NFD. `out` is replaced.
void normalize_rpv2(std::string_view text, std::string& out);

// Calls on_token(std::string_view) for each match of WordPunctTokenizer's regex \w+|[^\w\s]+ (re
// semantics on str: \w is str.isalnum() or '_', \s is str.isspace()).
template <class OnToken>
void for_each_wordpunct_token(std::string_view text, OnToken&& on_token) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const std::size_t space = whitespace_at(p, end);
    if (space != 0) {
      p += space;
      continue;
    }
    std::size_t bytes = 0;
    const bool word = is_python_word_char(next_code_point(p, end, bytes));
    const char* const start = p;
    p += bytes;
    while (p < end && whitespace_at(p, end) == 0) {
      if (is_python_word_char(next_code_point(p, end, bytes)) != word) break;
      p += bytes;
    }
    on_token(std::string_view(start, static_cast<std::size_t>(p - start)));
  }
}

}  // namespace loom::textlib
