// The batched path of CharNgrams::kept_ranks: many all-ASCII words' char n-grams at once. The
// words are laid end to end as "<word>", and sixteen consecutive starting positions are hashed
// together whatever word they are in; an n-gram is valid where its word has at least n bytes
// left from its start, which one byte per position records. One word's path
// (char_ngrams_avx512.cpp) leaves most of its 16 lanes empty on a short word (about 6 valid on the
// first sightings of web text); here they are full but for the last block. The kept n-grams of a
// block are interleaved into computeSubwords order (by start, then length) by permutes and written
// out by compress-stores, and their ranks computed in the vector, so no scalar work per n-gram
// remains.
#include "bucket_of_avx512.hpp"
#include "char_ngrams.hpp"

#include <algorithm>
#include <cstring>

namespace loom::fasttext_inference {
namespace {

#define LOOM_AVX512_BATCH \
  __attribute__((target("avx512f,avx512vl,avx512bw,avx512vpopcntdq,popcnt,bmi2")))

using avx512::BucketOf;
using avx512::every_nth_bit;

// Bytes past the laid-out words that may be read or written: a block's lanes read up to 15 + 16
// bytes past its start, and a word is copied and its byte counts written 64 bytes at a time.
constexpr std::size_t slack = 128;

// The 16 n-grams of output chunk c when `Lengths` lanes vectors (one per length) are interleaved
// in computeSubwords order, element e being start e / Lengths and length index e % Lengths: each
// one's lane in the pair of vectors holding its length (lengths 0-1, or 2-3), and which pair.
struct Interleave {
  alignas(64) std::int32_t lane[4][16];
  std::uint16_t second_pair[4];
};

template <int Lengths>
constexpr Interleave interleave() {
  Interleave table{};
  for (int c = 0; c < Lengths; ++c)
    for (int j = 0; j < 16; ++j) {
      const int e = 16 * c + j;
      const int k = e % Lengths;
      table.lane[c][j] = e / Lengths + 16 * (k & 1);
      if (k >= 2) table.second_pair[c] = static_cast<std::uint16_t>(table.second_pair[c] | 1u << j);
    }
  return table;
}

template <int Lengths>
constexpr Interleave interleave_table = interleave<Lengths>();

alignas(64) constexpr unsigned char iota[64] = {
    0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
    44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};

// Lays the all-ASCII tokens out as "<token>" end to end in out.text, with out.remaining (the
// bytes of its word left from each position, at least 192 where more than that: n-grams are at
// most 16 bytes), out.word_lasts and out.laid_words; marks the other tokens' spans (begin > end).
// Returns the bytes laid out.
LOOM_AVX512_BATCH std::size_t lay_out(const std::string_view* tokens, std::size_t count,
                                      BatchedNgrams& out) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < count; ++i) total += tokens[i].size() + 2;
  if (out.text.size() < total + slack) {
    out.text.resize(total + slack);
    out.remaining.resize(total + slack);
  }
  out.word_lasts.clear();
  out.laid_words.clear();
  const __m512i offsets = _mm512_load_si512(iota);
  std::size_t at = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view token = tokens[i];
    char* text = out.text.data() + at;
    // Masked loads: a token may end where its line's readable memory does.
    std::uint64_t non_ascii = 0;
    for (std::size_t offset = 0; offset < token.size(); offset += 64) {
      const auto bytes = static_cast<unsigned>(std::min<std::size_t>(token.size() - offset, 64));
      const __m512i chunk =
          _mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t{0}, bytes), token.data() + offset);
      non_ascii |= _mm512_movepi8_mask(chunk);
      _mm512_storeu_si512(text + 1 + offset, chunk);
    }
    if (non_ascii != 0) {
      out.spans[i] = BatchedNgrams::Span{1, 0};
      continue;
    }
    const std::size_t size = token.size() + 2;
    text[0] = '<';
    text[size - 1] = '>';
    for (std::size_t offset = 0; offset < size; offset += 64) {
      const auto left = static_cast<char>(std::min<std::size_t>(size - offset, 255));
      _mm512_storeu_si512(out.remaining.data() + at + offset,
                          _mm512_subs_epu8(_mm512_set1_epi8(left), offsets));
    }
    out.word_lasts.push_back(static_cast<std::uint32_t>(at + size - 1));
    out.laid_words.push_back(static_cast<std::uint32_t>(i));
    at += size;
  }
  std::memset(out.remaining.data() + at, 0, slack);  // no n-gram starts past the last word
  return at;
}

LOOM_AVX512_BATCH __m512i extend(__m512i h, const char* bytes) {
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  return _mm512_mullo_epi32(_mm512_xor_si512(h, _mm512_cvtepi8_epi32(next)),
                            _mm512_set1_epi32(16777619));
}

// The kept n-grams of the `laid` bytes laid out, in order, into out.codes: the bucket
// itself where every bucket is kept, else the bucket's 32-bucket group (bucket & ~31) and the
// count of kept buckets below it within the group, which ranks() turns into the rank.
template <int Lengths>
LOOM_AVX512_BATCH std::size_t kept_codes(const NgramBuckets& model, std::size_t laid,
                                         BatchedNgrams& out) {
  const std::uint64_t* const kept_bits = model.kept_bits;
  const BucketOf bucket_of_hash(model.buckets);
  const Interleave& table = interleave_table<Lengths>;
  const __m512i low_five = _mm512_set1_epi32(31);
  const __m512i one = _mm512_set1_epi32(1);
  // At most every n-gram of every block, and one vector's room past the last. Grown only: a
  // resize from the last call's smaller size zero-filled the difference (kilobytes) every call.
  const auto make_room = [](auto& scratch, std::size_t size) {
    if (scratch.size() < size) scratch.resize(size);
  };
  make_room(out.codes, Lengths * (laid + 15) + 16);
  std::uint32_t* codes = out.codes.data();
  std::uint32_t kept_count = 0;
  make_room(out.block_orders, laid / 16 + 1);
  make_room(out.block_kept_before, laid / 16 + 1);
  for (std::size_t block = 0; block < laid; block += 16) {
    const char* text = out.text.data() + block;
    const __m128i left =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(out.remaining.data() + block));
    __m512i h = _mm512_set1_epi32(static_cast<int>(2166136261u));
    for (int n = 1; n < model.min_n; ++n) h = extend(h, text + n - 1);
    __m512i found[Lengths];
    std::uint64_t order = 0;  // bit start * Lengths + length index: that n-gram was kept
#pragma GCC unroll 4
    for (int k = 0; k < Lengths; ++k) {
      const int n = model.min_n + k;
      h = extend(h, text + n - 1);
      const __mmask16 valid = _mm_cmpge_epu8_mask(left, _mm_set1_epi8(static_cast<char>(n)));
      const __m512i bucket = bucket_of_hash(h, false);
      __mmask16 kept = valid;
      __m512i code = bucket;
      if (kept_bits != nullptr) {
        // The group's 32 kept bits.
        const __m512i bits = _mm512_mask_i32gather_epi32(
            _mm512_setzero_si512(), valid, _mm512_srli_epi32(bucket, 5), kept_bits, 4);
        const __m512i shift = _mm512_and_si512(bucket, low_five);
        kept = _mm512_mask_test_epi32_mask(valid, _mm512_srlv_epi32(bits, shift), one);
        const __m512i below = _mm512_popcnt_epi32(
            _mm512_andnot_si512(_mm512_sllv_epi32(_mm512_set1_epi32(-1), shift), bits));
        code = _mm512_or_si512(_mm512_andnot_si512(low_five, bucket), below);
      }
      found[k] = code;
      order |= _pdep_u64(kept, every_nth_bit(Lengths) << k);
    }
    out.block_orders[block / 16] = order;
    out.block_kept_before[block / 16] = kept_count;
#pragma GCC unroll 4
    for (int c = 0; c < Lengths; ++c) {
      const auto chunk_kept = static_cast<__mmask16>(order >> (16 * c));
      const __m512i lanes = _mm512_load_si512(table.lane[c]);
      __m512i chunk = _mm512_permutex2var_epi32(found[0], lanes, found[Lengths > 1 ? 1 : 0]);
      if constexpr (Lengths >= 3)
        chunk =
            _mm512_mask_blend_epi32(table.second_pair[c], chunk,
                                    _mm512_permutex2var_epi32(found[2], lanes, found[Lengths - 1]));
      _mm512_storeu_si512(codes + kept_count, _mm512_maskz_compress_epi32(chunk_kept, chunk));
      kept_count += static_cast<std::uint32_t>(_mm_popcnt_u32(chunk_kept));
    }
  }
  // A word owns the kept n-grams from the previous word's end up to its last byte: found after
  // the loop above, where it would be a branch per block on where words end.
  std::uint32_t word_begin = 0;
  for (std::size_t w = 0; w < out.laid_words.size(); ++w) {
    const std::uint32_t last = out.word_lasts[w];
    const auto end = out.block_kept_before[last / 16] +
                     static_cast<std::uint32_t>(_mm_popcnt_u64(
                         _bzhi_u64(out.block_orders[last / 16], Lengths * (last % 16 + 1))));
    out.spans[out.laid_words[w]] = BatchedNgrams::Span{word_begin, end};
    word_begin = end;
  }
  return kept_count;
}

// Codes to ranks: the count of kept buckets before the group plus the count below within it,
// sixteen at a time with every lane in use.
LOOM_AVX512_BATCH void ranks(const std::uint32_t* kept_before_words, std::uint32_t* codes,
                             std::size_t count) {
  const __m512i low_five = _mm512_set1_epi32(31);
  for (std::size_t i = 0; i < count; i += 16) {
    const auto lanes = static_cast<__mmask16>(
        _bzhi_u32(0xFFFFu, static_cast<unsigned>(std::min<std::size_t>(count - i, 16))));
    const __m512i code = _mm512_maskz_loadu_epi32(lanes, codes + i);
    const __m512i kept_before = _mm512_mask_i32gather_epi32(
        _mm512_setzero_si512(), lanes, _mm512_srli_epi32(code, 5), kept_before_words, 4);
    _mm512_mask_storeu_epi32(codes + i, lanes,
                             _mm512_add_epi32(kept_before, _mm512_and_si512(code, low_five)));
  }
}

}  // namespace

bool batched_avx512_supported() {
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512vl") != 0 &&
         __builtin_cpu_supports("avx512bw") != 0 &&
         __builtin_cpu_supports("avx512vpopcntdq") != 0 && __builtin_cpu_supports("bmi2") != 0;
}

LOOM_AVX512_BATCH void kept_ascii_ranks_avx512(const NgramBuckets& model,
                                               const std::uint32_t* kept_before_words,
                                               const std::string_view* tokens, std::size_t count,
                                               BatchedNgrams& out) {
  const std::size_t laid = lay_out(tokens, count, out);
  if (laid == 0) return;
  std::size_t kept = 0;
  switch (model.max_n - model.min_n + 1) {
    case 1: kept = kept_codes<1>(model, laid, out); break;
    case 2: kept = kept_codes<2>(model, laid, out); break;
    case 3: kept = kept_codes<3>(model, laid, out); break;
    default: kept = kept_codes<4>(model, laid, out); break;
  }
  if (model.kept_bits != nullptr) ranks(kept_before_words, out.codes.data(), kept);
  out.ranks.assign(out.codes.begin(), out.codes.begin() + static_cast<std::ptrdiff_t>(kept));
}

}  // namespace loom::fasttext_inference
