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

#include <bit>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace loom::textlib {

#if defined(__SSE2__)
namespace detail {
// Bits of the ASCII letters, and of the digits, among the 16 bytes of v. Signed compares: bytes
// >= 0x80 are negative, so never letters or digits.
inline unsigned ascii_letter_bits(__m128i v) {
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                      _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), lower))));
}
inline unsigned ascii_digit_bits(__m128i v) {
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
      _mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v))));
}
}  // namespace detail
#endif

// Bytes of the run of ASCII letters and digits at p (the only ASCII characters that are neither
// whitespace nor punctuation); `alpha` becomes true when the run holds a letter. Sixteen bytes at
// a time where SSE2 is there: most words are such runs.
inline std::size_t ascii_alnum_run(const char* p, const char* end, bool& alpha) {
  const char* q = p;
#if defined(__SSE2__)
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const unsigned letters = detail::ascii_letter_bits(v);
    const unsigned word = letters | detail::ascii_digit_bits(v);
    if (word == 0xffff) {
      alpha = alpha || letters != 0;
      q += 16;
      continue;
    }
    const int n = std::countr_one(word);
    alpha = alpha || (letters & ((1u << n) - 1)) != 0;
    return static_cast<std::size_t>(q + n - p);
  }
#endif
  for (; q < end && static_cast<unsigned char>(*q) < 0x80; ++q) {
    const std::uint8_t flags = detail::ascii_flags[static_cast<unsigned char>(*q)];
    if (flags & (kSpace | kPunctuation)) break;
    alpha = alpha || (flags & kAlpha) != 0;
  }
  return static_cast<std::size_t>(q - p);
}

struct Word {
  std::string_view text;  // a substring of the text
  std::uint32_t code_points;
  bool has_alpha;     // any(c.isalpha() for c in word)
  bool symbols_only;  // every character is punctuation (kPunctuation)
};

// Calls on_word(const Word&) for each word of `text`, in order, and on_line_break(const char*
// after) at each str.splitlines() line break (\r\n once), with the position right after it: one
// pass gives words and lines together.
template <class OnWord, class OnLineBreak>
void for_each_word(std::string_view text, OnWord&& on_word, OnLineBreak&& on_line_break) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto view = [](const char* a, const char* b) {
    return std::string_view(a, static_cast<std::size_t>(b - a));
  };
  while (p < end) {
#if defined(__SSE2__)
    // Most chunks are one run of ASCII letters and digits and a plain space: one load finds both.
    if (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const auto letters = detail::ascii_letter_bits(v);
      const auto alnum = letters | detail::ascii_digit_bits(v);
      const int n = std::countr_one(alnum);
      if (n > 0 && n < 16 && p[n] == ' ') {
        on_word(Word{view(p, p + n), static_cast<std::uint32_t>(n),
                     (letters & ((1u << n) - 1)) != 0, false});
        p += n + 1;
        continue;
      }
    }
#endif
    CodePoint cp = read_code_point(p, end);
    if (cp.flags & kSpace) {
      if (cp.flags & kLineBreak) {
        if (*p == '\r' && end - p >= 2 && p[1] == '\n') ++p;
        p += cp.bytes;
        on_line_break(static_cast<const char*>(p));
      } else {
        p += cp.bytes;
      }
      continue;
    }
    const char* const start = p;
    const char* core_begin = nullptr;
    const char* core_end = nullptr;
    std::uint32_t count = 0, count_at_core_begin = 0, count_at_core_end = 0;
    bool alpha = false;
    for (;;) {
      if (cp.flags & kPunctuation) {
        p += cp.bytes;
        ++count;
      } else {
        if (core_begin == nullptr) {
          core_begin = p;
          count_at_core_begin = count;
        }
        alpha = alpha || (cp.flags & kAlpha) != 0;
        p += cp.bytes;
        ++count;
        // Most text is runs of ASCII letters and digits: take them without the general path.
        const std::size_t run = ascii_alnum_run(p, end, alpha);
        p += run;
        count += static_cast<std::uint32_t>(run);
        core_end = p;
        count_at_core_end = count;
      }
      if (p >= end) break;
      cp = read_code_point(p, end);
      if (cp.flags & kSpace) break;
    }
    // One call site, so the compiler inlines on_word once instead of three times or not at all.
    Word words[3];
    int n = 0;
    if (core_begin == nullptr) {
      words[n++] = Word{view(start, p), count, false, true};
    } else {
      if (core_begin > start)
        words[n++] = Word{view(start, core_begin), count_at_core_begin, false, true};
      words[n++] =
          Word{view(core_begin, core_end), count_at_core_end - count_at_core_begin, alpha, false};
      if (core_end < p)
        words[n++] = Word{view(core_end, p), count - count_at_core_end, false, true};
    }
    for (int i = 0; i < n; ++i) on_word(static_cast<const Word&>(words[i]));
  }
}

// The words only.
template <class OnWord>
void for_each_word(std::string_view text, OnWord&& on_word) {
  for_each_word(text, on_word, [](const char*) {});
}

}  // namespace loom::textlib
