// The hash-to-bucket step shared by the AVX-512 n-gram kernels (char_ngrams_avx512.cpp: one
// word's starting positions; char_ngrams_batch_avx512.cpp: many words laid end to end): fastText's
// h % buckets for 16 FNV-1a hashes at once. Internal to those files, which include it only in
// functions compiled for AVX-512.
#pragma once

#include <immintrin.h>

#include <bit>
#include <cstdint>

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*(), which -Wmaybe-uninitialized
// reports wherever they are inlined (GCC bug 105593).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#define LOOM_AVX512 __attribute__((target("avx512f,avx512vl,popcnt,bmi2")))

namespace loom::fasttext_inference::avx512 {

// Bits 0, n, 2n, ... (16 of them): where lane k's bit goes when n lengths' lane masks are
// interleaved (bit lane * n + length index), which orders n-grams by start, then length.
constexpr std::uint64_t every_nth_bit(int n) {
  std::uint64_t bits = 0;
  for (int lane = 0; lane < 16; ++lane) bits |= std::uint64_t{1} << (lane * n);
  return bits;
}

// h mod buckets for eight hashes, exact for the reasons given in char_ngrams_avx2.cpp.
LOOM_AVX512 inline __m256i bucket_of(__m256i hash, __m512d buckets, __m512d reciprocal) {
  const __m512d h = _mm512_cvtepu32_pd(hash);
  const __m512d q =
      _mm512_roundscale_pd(_mm512_mul_pd(h, reciprocal), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  __m512d r = _mm512_sub_pd(h, _mm512_mul_pd(q, buckets));
  r = _mm512_mask_add_pd(r, _mm512_cmp_pd_mask(r, _mm512_setzero_pd(), _CMP_LT_OQ), r, buckets);
  r = _mm512_mask_sub_pd(r, _mm512_cmp_pd_mask(r, buckets, _CMP_GE_OQ), r, buckets);
  return _mm512_cvttpd_epu32(r);
}

// h mod buckets for 16 hashes. An even bucket count (lid.176: 2,000,000 = 2^7 x 15625) is
// 2^t x d with d odd: h's low t bits stay, and x = h >> t, below 2^N (N = 32 - t), is divided by
// d in integer lanes with Granlund and Montgomery's multiply-shift, q = x * m >> (N + l) with
// l = ceil(log2 d) and m = ceil(2^(N + l) / d), exact for every x below 2^N (their theorem 4.2)
// and m below 2^32 for N <= 31: six integer operations where the doubles take two 8-lane
// conversions, a rounding and two corrections. Odd counts (N = 32, m too wide) take the doubles.
class BucketOf {
 public:
  LOOM_AVX512 explicit BucketOf(std::uint32_t buckets)
      : buckets_(_mm512_set1_pd(static_cast<double>(buckets))),
        reciprocal_(_mm512_set1_pd(1.0 / static_cast<double>(buckets))) {
    const int t = std::countr_zero(buckets);
    if (t == 0) return;
    const std::uint32_t d = buckets >> t;
    const int n = 32 - t;
    const int l = d == 1 ? 0 : 32 - std::countl_zero(d - 1);
    const std::uint64_t m = ((std::uint64_t{1} << (n + l)) + d - 1) / d;
    if (m >> 32 != 0) return;
    integer_ = true;
    multiplier_ = _mm512_set1_epi64(static_cast<long long>(m));
    divisor_ = _mm512_set1_epi32(static_cast<int>(d));
    low_mask_ = _mm512_set1_epi32(static_cast<int>((std::uint32_t{1} << t) - 1));
    low_bits_ = _mm_cvtsi32_si128(t);
    product_shift_ = _mm_cvtsi32_si128(n + l);
  }

  // The buckets of all 16 lanes, or of the first 8 (the rest undefined) where `narrow`.
  LOOM_AVX512 __m512i operator()(__m512i h, bool narrow) const {
    if (integer_) {
      const __m512i x = _mm512_srl_epi32(h, low_bits_);
      const __m512i even = _mm512_srl_epi64(_mm512_mul_epu32(x, multiplier_), product_shift_);
      const __m512i odd =
          _mm512_srl_epi64(_mm512_mul_epu32(_mm512_srli_epi64(x, 32), multiplier_), product_shift_);
      const __m512i q = _mm512_or_si512(even, _mm512_slli_epi64(odd, 32));
      const __m512i r = _mm512_sub_epi32(x, _mm512_mullo_epi32(q, divisor_));
      return _mm512_or_si512(_mm512_sll_epi32(r, low_bits_), _mm512_and_si512(h, low_mask_));
    }
    const __m256i low = bucket_of(_mm512_castsi512_si256(h), buckets_, reciprocal_);
    if (narrow) return _mm512_castsi256_si512(low);
    return _mm512_inserti64x4(_mm512_castsi256_si512(low),
                              bucket_of(_mm512_extracti64x4_epi64(h, 1), buckets_, reciprocal_), 1);
  }

 private:
  bool integer_ = false;
  __m512d buckets_;
  __m512d reciprocal_;
  __m512i multiplier_ = _mm512_setzero_si512();
  __m512i divisor_ = _mm512_setzero_si512();
  __m512i low_mask_ = _mm512_setzero_si512();
  __m128i low_bits_ = _mm_setzero_si128();
  __m128i product_shift_ = _mm_setzero_si128();
};

}  // namespace loom::fasttext_inference::avx512
