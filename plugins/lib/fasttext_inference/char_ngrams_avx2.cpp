// The vector path of CharNgrams: eight starting positions of an all-ASCII word at once, each
// lane hashing its n-grams with FNV-1a one byte (= one character) at a time, the bucket taken
// with doubles (exact: see bucket_of).
#include "char_ngrams.hpp"

#include <immintrin.h>

#include <bit>

namespace loom::fasttext_inference {
namespace {

#define LOOM_AVX2 __attribute__((target("avx2,popcnt")))

// Unsigned 32-bit lanes as doubles (cvtepi32 is signed: shift the range by 2^31 and back).
LOOM_AVX2 __m256d unsigned_to_double(__m128i x) {
  const __m128i sign = _mm_set1_epi32(static_cast<int>(0x80000000u));
  return _mm256_add_pd(_mm256_cvtepi32_pd(_mm_xor_si128(x, sign)), _mm256_set1_pd(2147483648.0));
}

// h mod buckets for four hashes. q = floor(h * (1 / buckets)) is off by at most one: the
// product's relative error is under 2^-52 and h < 2^32, so it stays within 2^-20 / buckets of
// h / buckets, whose fractional part is 0 or at least 1 / buckets. q * buckets and h - q *
// buckets are exact in doubles; one correction each way fixes the off-by-one.
LOOM_AVX2 __m128i bucket_of(__m128i hash, __m256d buckets, __m256d reciprocal) {
  const __m256d h = unsigned_to_double(hash);
  const __m256d q = _mm256_floor_pd(_mm256_mul_pd(h, reciprocal));
  __m256d r = _mm256_sub_pd(h, _mm256_mul_pd(q, buckets));
  r = _mm256_add_pd(r, _mm256_and_pd(_mm256_cmp_pd(r, _mm256_setzero_pd(), _CMP_LT_OQ), buckets));
  r = _mm256_sub_pd(r, _mm256_and_pd(_mm256_cmp_pd(r, buckets, _CMP_GE_OQ), buckets));
  return _mm256_cvttpd_epi32(r);
}

}  // namespace

LOOM_AVX2 void kept_ascii_ngrams_avx2(const NgramBuckets& model, const char* word, std::size_t size,
                                      std::vector<KeptNgram>& out) {
  const __m256i prime = _mm256_set1_epi32(16777619);
  const __m256i offset = _mm256_set1_epi32(static_cast<int>(2166136261u));
  const __m256d buckets = _mm256_set1_pd(static_cast<double>(model.buckets));
  const __m256d reciprocal = _mm256_set1_pd(1.0 / static_cast<double>(model.buckets));
  // Per length: the block's buckets and which lanes kept theirs.
  alignas(32) std::uint32_t found[max_vector_n + 1][8];
  unsigned kept_at[max_vector_n + 1];
  for (std::size_t block = 0; block < size; block += 8) {
    __m256i h = offset;
    int last_n = 0;
    unsigned any = 0;
    for (int n = 1; n <= model.max_n; ++n) {
      // Lane k extends the n-gram starting at block + k by the byte at block + k + n - 1.
      const __m128i bytes = _mm_loadl_epi64(
          reinterpret_cast<const __m128i*>(word + block + static_cast<std::size_t>(n) - 1));
      h = _mm256_mullo_epi32(_mm256_xor_si256(h, _mm256_cvtepi8_epi32(bytes)), prime);
      if (n < model.min_n) continue;
      // Lanes whose n-gram ends within the word.
      const std::size_t fits = size - block >= static_cast<std::size_t>(n)
                                   ? size - block - static_cast<std::size_t>(n) + 1
                                   : 0;
      if (fits == 0) break;
      unsigned valid = fits >= 8 ? 0xFFu : (1u << fits) - 1;
      if (n == 1) {  // a lone "<" or ">" is not an n-gram
        if (block == 0) valid &= ~1u;
        if (size - 1 >= block && size - 1 - block < 8) valid &= ~(1u << (size - 1 - block));
      }
      const __m256i bucket =
          _mm256_set_m128i(bucket_of(_mm256_extracti128_si256(h, 1), buckets, reciprocal),
                           bucket_of(_mm256_castsi256_si128(h), buckets, reciprocal));
      std::uint32_t* lanes = found[n];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), bucket);
      unsigned kept = valid;
      if (model.kept_bits != nullptr) {
        // Eight scalar reads of the bitmap: faster here than a gather instruction.
        unsigned bits = 0;
        for (unsigned lane = 0; lane < 8; ++lane)
          bits |=
              static_cast<unsigned>((model.kept_bits[lanes[lane] / 64] >> (lanes[lane] % 64)) & 1)
              << lane;
        kept &= bits;
      }
      kept_at[n] = kept;
      last_n = n;
      any |= kept;
    }
    push_kept_by_lane(model, found, kept_at, last_n, any, out);
  }
}

}  // namespace loom::fasttext_inference
