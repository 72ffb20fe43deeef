// The word tokenizer of the quality rules (gopher_quality, gopher_repetition, fineweb_quality),
// in one pass over UTF-8 with no allocation. docs/reference/quality-rules.md#words says how it
// compares with NLTK's word_tokenize, which datatrove uses:
//   1. the text is cut at whitespace (str.isspace) into chunks;
//   2. in each chunk, the run of punctuation characters (CharFlag kPunctuation: Unicode P*, S*,
//      control characters) at its start becomes one word, the run at its end another, and what
//      lies between (which starts and ends with a non-punctuation character) a third;
//   3. a chunk of punctuation only is one word.
// So "(hello)," gives "(", "hello", "),"; "don't" and "e-mail" stay whole; "..." is one word.
#pragma once

#include <text/char_class.hpp>

#include <cstdint>
#include <string_view>

namespace loom::textlib {

struct Word {
  std::string_view text;  // a substring of the text
  std::uint32_t code_points;
  bool has_alpha;     // any(c.isalpha() for c in word)
  bool symbols_only;  // every character is punctuation (kPunctuation)
};

// Calls on_word(const Word&) for each word of `text`, in order.
template <class OnWord>
void for_each_word(std::string_view text, OnWord&& on_word) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    CodePoint cp = read_code_point(p, end);
    if (cp.flags & kSpace) {
      p += cp.bytes;
      continue;
    }
    const char* const start = p;
    const char* core_begin = nullptr;
    const char* core_end = nullptr;
    std::uint32_t count = 0, count_at_core_begin = 0, count_at_core_end = 0;
    bool alpha = false;
    for (;;) {
      if (!(cp.flags & kPunctuation)) {
        if (core_begin == nullptr) {
          core_begin = p;
          count_at_core_begin = count;
        }
        core_end = p + cp.bytes;
        count_at_core_end = count + 1;
        alpha = alpha || (cp.flags & kAlpha) != 0;
      }
      p += cp.bytes;
      ++count;
      if (p >= end) break;
      cp = read_code_point(p, end);
      if (cp.flags & kSpace) break;
    }
    auto view = [](const char* a, const char* b) {
      return std::string_view(a, static_cast<std::size_t>(b - a));
    };
    if (core_begin == nullptr) {
      on_word(Word{view(start, p), count, false, true});
      continue;
    }
    if (core_begin > start)
      on_word(Word{view(start, core_begin), count_at_core_begin, false, true});
    on_word(
        Word{view(core_begin, core_end), count_at_core_end - count_at_core_begin, alpha, false});
    if (core_end < p) on_word(Word{view(core_end, p), count - count_at_core_end, false, true});
  }
}

}  // namespace loom::textlib
