#include "line_tokens.hpp"

#include <emmintrin.h>

namespace loom::fasttext_inference {

void LineTokens::mark_separators(const char* bytes, std::size_t size) {
  // Bits past `size` in the last word are set (separators), so scans stop there.
  separators_.assign(size / 64 + 1, 0);
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i four = _mm_set1_epi8(4);
  std::size_t i = 0;
  for (; i + 16 <= size; i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    // \t \n \v \f \r are 9..13: c - 9 <= 4 unsigned; then ' ' and '\0'.
    const __m128i shifted = _mm_sub_epi8(c, tab);
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(shifted, four), shifted);
    const __m128i other =
        _mm_or_si128(_mm_cmpeq_epi8(c, space), _mm_cmpeq_epi8(c, _mm_setzero_si128()));
    const auto mask = static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, other))));
    separators_[i / 64] |= mask << (i % 64);
  }
  for (; i < size; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const bool separator = c == ' ' || c == '\0' || (c >= '\t' && c <= '\r');
    separators_[i / 64] |= static_cast<std::uint64_t>(separator) << (i % 64);
  }
  separators_[size / 64] |= ~std::uint64_t{0} << (size % 64);
}

}  // namespace loom::fasttext_inference
