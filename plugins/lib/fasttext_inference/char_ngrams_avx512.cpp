// The AVX-512 paths of CharNgrams: as the AVX2 one (char_ngrams_avx2.cpp), sixteen starting
// positions at a time, with the kept-bucket bitmap read by a masked gather (only the lanes
// holding an n-gram touch memory); and one for words with non-ASCII bytes, whose n-grams are
// counted in characters.
#include "bucket_of_avx512.hpp"
#include "char_ngrams.hpp"

#include <bit>

namespace loom::fasttext_inference {
namespace {

using avx512::BucketOf;
using avx512::every_nth_bit;

// Which of the `valid` lanes' n-grams (their buckets `bucket`) have a kept bucket, the buckets
// stored to `found`: all 16 lanes, or the first 8 where no n-gram starts past them.
template <int Lanes>
LOOM_AVX512 unsigned kept_lanes(const NgramBuckets& model, __m512i bucket, unsigned valid,
                                std::uint32_t* found) {
  if constexpr (Lanes == 8) {
    const __m256i low = _mm512_castsi512_si256(bucket);
    _mm256_store_si256(reinterpret_cast<__m256i*>(found), low);
    if (model.kept_bits == nullptr) return valid & 0xFFu;
    const auto lanes = static_cast<__mmask8>(valid);
    const __m256i bits = _mm256_mmask_i32gather_epi32(
        _mm256_setzero_si256(), lanes, _mm256_srli_epi32(low, 5), model.kept_bits, 4);
    return _mm256_mask_test_epi32_mask(
        lanes, _mm256_srlv_epi32(bits, _mm256_and_si256(low, _mm256_set1_epi32(31))),
        _mm256_set1_epi32(1));
  } else {
    _mm512_store_si512(found, bucket);
    if (model.kept_bits == nullptr) return valid;
    const auto lanes = static_cast<__mmask16>(valid);
    const __m512i bits = _mm512_mask_i32gather_epi32(
        _mm512_setzero_si512(), lanes, _mm512_srli_epi32(bucket, 5), model.kept_bits, 4);
    return _mm512_mask_test_epi32_mask(
        lanes, _mm512_srlv_epi32(bits, _mm512_and_si512(bucket, _mm512_set1_epi32(31))),
        _mm512_set1_epi32(1));
  }
}

// Appends a block's kept n-grams by start, then length (computeSubwords order): the per-length
// lane masks interleaved into one mask whose bit lane * Lengths + (n - min_n) is that n-gram, so
// there is one bit scan per kept n-gram and no branch on whether each one was kept.
template <int Lengths>
LOOM_AVX512 void emit_kept(const NgramBuckets& model, const std::uint32_t (*found)[16],
                           const unsigned* kept_at, int last_n, std::vector<KeptNgram>& out) {
  static_assert(16 * Lengths <= 64);
  std::uint64_t order = 0;
  for (int k = 0; k < Lengths && model.min_n + k <= last_n; ++k)
    order |= _pdep_u64(kept_at[model.min_n + k], every_nth_bit(Lengths) << k);
  for (; order != 0; order &= order - 1) {
    const auto bit = static_cast<unsigned>(std::countr_zero(order));
    const std::uint32_t b = found[model.min_n + static_cast<int>(bit % Lengths)][bit / Lengths];
    push_kept(model, b, kept_rank(model, b), out);
  }
}

// emit_kept for a compile-time count of the usual lengths (lid.176: 3), else lane by lane.
LOOM_AVX512 void emit_block(const NgramBuckets& model, const std::uint32_t (*found)[16],
                            const unsigned* kept_at, int last_n, unsigned any,
                            std::vector<KeptNgram>& out) {
  switch (model.max_n - model.min_n + 1) {
    case 1: emit_kept<1>(model, found, kept_at, last_n, out); break;
    case 2: emit_kept<2>(model, found, kept_at, last_n, out); break;
    case 3: emit_kept<3>(model, found, kept_at, last_n, out); break;
    case 4: emit_kept<4>(model, found, kept_at, last_n, out); break;
    default: push_kept_by_lane(model, found, kept_at, last_n, any, out);
  }
}

}  // namespace

LOOM_AVX512 void kept_ascii_ngrams_avx512(const NgramBuckets& model, const char* word,
                                          std::size_t size, std::vector<KeptNgram>& out) {
  const __m512i prime = _mm512_set1_epi32(16777619);
  const __m512i offset = _mm512_set1_epi32(static_cast<int>(2166136261u));
  const BucketOf bucket_of_hash(model.buckets);
  // Per length: the block's buckets and which lanes kept theirs.
  alignas(64) std::uint32_t found[max_vector_n + 1][16];
  unsigned kept_at[max_vector_n + 1];
  for (std::size_t block = 0; block < size; block += 16) {
    __m512i h = offset;
    int last_n = 0;
    unsigned any = 0;
    // Most words' n-grams all start in the first 8 lanes (lid.176: words of up to 7 characters):
    // then the bitmap gather is half as wide (and the doubles compute half the buckets).
    const bool narrow = size - block <= static_cast<std::size_t>(7 + model.min_n);
    for (int n = 1; n <= model.max_n; ++n) {
      // Lane k extends the n-gram starting at block + k by the byte at block + k + n - 1.
      const __m128i bytes = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(word + block + static_cast<std::size_t>(n) - 1));
      h = _mm512_mullo_epi32(_mm512_xor_si512(h, _mm512_cvtepi8_epi32(bytes)), prime);
      if (n < model.min_n) continue;
      // Lanes whose n-gram ends within the word.
      const std::size_t fits = size - block >= static_cast<std::size_t>(n)
                                   ? size - block - static_cast<std::size_t>(n) + 1
                                   : 0;
      if (fits == 0) break;
      unsigned valid = fits >= 16 ? 0xFFFFu : (1u << fits) - 1;
      if (n == 1) {  // a lone "<" or ">" is not an n-gram
        if (block == 0) valid &= ~1u;
        if (size - 1 >= block && size - 1 - block < 16) valid &= ~(1u << (size - 1 - block));
      }
      // No branch on the gathered bits here: the lengths' gathers wait for memory together.
      const __m512i bucket = bucket_of_hash(h, narrow);
      const unsigned kept = narrow ? kept_lanes<8>(model, bucket, valid, found[n])
                                   : kept_lanes<16>(model, bucket, valid, found[n]);
      kept_at[n] = kept;
      last_n = n;
      any |= kept;
    }
    if (any != 0) emit_block(model, found, kept_at, last_n, any, out);
  }
}

LOOM_AVX512 bool kept_utf8_ngrams_avx512(const NgramBuckets& model, const char* word,
                                         std::size_t size, std::vector<KeptNgram>& out) {
  const __m512i prime = _mm512_set1_epi32(16777619);
  const __m512i one = _mm512_set1_epi32(1);
  const BucketOf bucket_of_hash(model.buckets);
  alignas(64) std::uint32_t found[max_vector_n + 1][16];
  unsigned kept_at[max_vector_n + 1];
  for (std::size_t block = 0; block < size; block += 16) {
    // Bit j: byte block + j starts a character (is no continuation byte 10xxxxxx); the zero
    // padding after the word does, so the word's last character ends where a start follows.
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(word + block));
    const auto continuation = static_cast<std::uint32_t>(_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_and_si256(bytes, _mm256_set1_epi8(static_cast<char>(0xC0))),
                          _mm256_set1_epi8(static_cast<char>(0x80)))));
    // Four continuation bytes in a row: a character of more than 4 bytes, so max_n of them
    // could run past the 16 bytes a lane hashes. Malformed text; the scalar path takes it.
    if ((continuation & continuation >> 1 & continuation >> 2 & continuation >> 3) != 0)
      return false;
    const std::uint32_t starts = ~continuation;
    const std::size_t left = size - block;
    const auto lanes_below = [](std::size_t n) { return n >= 16 ? 0xFFFFu : (1u << n) - 1; };
    const unsigned valid = starts & lanes_below(left);  // lanes where an n-gram starts
    // Lane i hashes the bytes from block + i on, byte k at step k, and counts the characters
    // begun; where the next byte starts a character, the hash so far is the n-gram of that
    // many characters.
    __m512i h = _mm512_set1_epi32(static_cast<int>(2166136261u));
    __m512i characters = _mm512_setzero_si512();
    __m512i hashes[max_vector_n + 1];
    unsigned taken[max_vector_n + 1] = {};
    for (int n = model.min_n; n <= model.max_n; ++n) hashes[n] = _mm512_setzero_si512();
    for (std::size_t k = 0; k < 16 && k < left; ++k) {
      const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(word + block + k));
      h = _mm512_mullo_epi32(_mm512_xor_si512(h, _mm512_cvtepi8_epi32(next)), prime);
      characters =
          _mm512_mask_add_epi32(characters, static_cast<__mmask16>(starts >> k), characters, one);
      const unsigned ends = valid & lanes_below(left - k) & (starts >> (k + 1));
      for (int n = model.min_n; n <= model.max_n; ++n) {
        const unsigned at = ends & _mm512_cmpeq_epi32_mask(characters, _mm512_set1_epi32(n));
        hashes[n] = _mm512_mask_mov_epi32(hashes[n], static_cast<__mmask16>(at), h);
        taken[n] |= at;
      }
      // Done when every lane has its longest n-gram or has reached the word's end.
      if ((valid & lanes_below(left - k - 1) & ~taken[model.max_n]) == 0) break;
    }
    unsigned any = 0;
    for (int n = model.min_n; n <= model.max_n; ++n) {
      kept_at[n] = kept_lanes<16>(model, bucket_of_hash(hashes[n], false), taken[n], found[n]);
      any |= kept_at[n];
    }
    if (any != 0) emit_block(model, found, kept_at, model.max_n, any, out);
  }
  return true;
}

}  // namespace loom::fasttext_inference
