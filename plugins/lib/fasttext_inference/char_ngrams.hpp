// The character n-grams fastText's Dictionary::computeSubwords derives from a word, reduced to
// the hash buckets that still have an input row: most of an unknown token's cost, so it has a
// scalar path for any word and AVX2 and AVX-512 paths for all-ASCII words (each byte a
// character), chosen once at run time. All give the same buckets in the same order, so a token's
// row sum is the same bits on every machine.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

// Which of a model's hash buckets kept an input row, and the n-gram lengths it uses.
struct NgramBuckets {
  std::uint32_t buckets = 0;
  int min_n = 0;
  int max_n = 0;
  // Bit b set: bucket b kept its row (a model quantized with -cutoff). Null: every bucket did.
  const std::uint64_t* kept_bits = nullptr;
  // With kept_bits: per 64 buckets, how many kept buckets come before them, so a kept bucket's
  // rank among the kept is this plus a popcount.
  const std::uint32_t* kept_before = nullptr;
  // Where the input row of rank r starts (rows + r * row_bytes), so that a kept n-gram's row is
  // requested from memory as soon as the n-gram is found, while the rest are still hashed.
  // Null: no prefetch.
  const char* rows = nullptr;
  std::size_t row_bytes = 0;
};

// The longest n-gram the vector paths hash: they read up to max_n + 15 bytes past a block's
// start, within CharNgrams::padding.
constexpr int max_vector_n = 16;

// One n-gram whose bucket has a row: its bucket, and the row's rank among the kept buckets
// (the bucket itself where every bucket was kept).
struct KeptNgram {
  std::uint32_t bucket;
  std::uint32_t rank;
};

// The rank of kept `bucket`. Always inlined, so that its popcount is the instruction where the
// caller is compiled for a CPU that has it (the vector paths), not a library call.
__attribute__((always_inline)) inline std::uint32_t kept_rank(const NgramBuckets& model,
                                                              std::uint32_t bucket) {
  if (model.kept_bits == nullptr) return bucket;
  const std::uint64_t below = (std::uint64_t{1} << (bucket % 64)) - 1;
  return model.kept_before[bucket / 64] +
         static_cast<std::uint32_t>(__builtin_popcountll(model.kept_bits[bucket / 64] & below));
}

// Appends a kept n-gram, first asking the CPU for its row.
inline void push_kept(const NgramBuckets& model, std::uint32_t bucket, std::uint32_t rank,
                      std::vector<KeptNgram>& out) {
  if (model.rows != nullptr) __builtin_prefetch(model.rows + std::size_t{rank} * model.row_bytes);
  out.push_back({bucket, rank});
}

// Appends one block's kept n-grams in computeSubwords' order: by start (lane), then by length.
// Bit `lane` of kept_at[n] says the n-gram of length n starting there was kept; found[n][lane] is
// its bucket. `any` is the union of kept_at[min_n..last_n]. Shared by the vector paths.
template <std::size_t Lanes>
__attribute__((always_inline)) inline void push_kept_by_lane(const NgramBuckets& model,
                                                             const std::uint32_t (*found)[Lanes],
                                                             const unsigned* kept_at, int last_n,
                                                             unsigned any,
                                                             std::vector<KeptNgram>& out) {
  for (; any != 0; any &= any - 1) {
    const int lane = std::countr_zero(any);
    for (int n = model.min_n; n <= last_n; ++n) {
      if (((kept_at[n] >> lane) & 1) == 0) continue;
      const std::uint32_t b = found[n][lane];
      push_kept(model, b, kept_rank(model, b), out);
    }
  }
}

// The kept n-gram ranks of many words at once (CharNgrams::kept_ranks), with the scratch space of
// the batched path, reused from one call to the next.
struct BatchedNgrams {
  struct Span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  // Word i's ranks, in computeSubwords order, are ranks[spans[i].begin, spans[i].end).
  std::vector<std::uint32_t> ranks;
  std::vector<Span> spans;

  // The batched path's: the all-ASCII words as "<word>" end to end, per byte how many bytes of
  // its word are left from there, each word's last byte and which token it is; per block of 16
  // starting positions, its kept n-grams (bit start * lengths + length index) and how many were
  // kept before it.
  std::vector<char> text;
  std::vector<std::uint8_t> remaining;
  std::vector<std::uint32_t> word_lasts;
  std::vector<std::uint32_t> laid_words;
  std::vector<std::uint64_t> block_orders;
  std::vector<std::uint32_t> block_kept_before;
  std::vector<std::uint32_t> codes;  // the kept n-grams' codes, then ranks, before `ranks`
  // The other paths'.
  std::string word;
  std::vector<KeptNgram> kept;
};

class CharNgrams {
 public:
  CharNgrams() = default;
  // The widest path the CPU allows, or at most `widest` (for tests comparing them).
  enum class Path { scalar, avx2, avx512 };
  explicit CharNgrams(const NgramBuckets& buckets, Path widest = Path::avx512);

  // The path all-ASCII words take (a vector one needs max_n at most 16).
  Path path() const { return path_; }

  // Zero bytes that must follow the word passed to kept(): the vector path reads ahead.
  static constexpr std::size_t padding = 32;

  // The kept n-grams of `word` (a token with fastText's "<" and ">" around it, `size` bytes
  // followed by `padding` zero bytes), in computeSubwords order, replacing `out`'s contents.
  void kept(const char* word, std::size_t size, std::vector<KeptNgram>& out) const;

  // Whether kept_ranks() hashes its all-ASCII words together (AVX-512 with BW and VPOPCNTDQ, 1-4
  // n-gram lengths from min_n >= 2); else it takes them one by one through kept().
  bool batched() const { return batched_; }

  // The kept n-gram ranks of each of `count` tokens (without "<" and ">"), as kept() gives them
  // for "<token>". The batched path lays the all-ASCII ones end to end and hashes sixteen
  // starting positions at a time across word boundaries, so a short word does not leave most
  // lanes empty, and computes ranks in the vector: no scalar work per kept n-gram.
  void kept_ranks(const std::string_view* tokens, std::size_t count, BatchedNgrams& out) const;

 private:
  void kept_scalar(const char* word, std::size_t size, std::vector<KeptNgram>& out) const;
  // kept() of "<token>", its ranks appended to out.ranks.
  void append_ranks(std::string_view token, BatchedNgrams& out) const;

  NgramBuckets buckets_;
  // With kept_bits, for the batched path: the count of kept buckets before each 32 buckets, so a
  // rank is a 32-bit gather of the kept bits, a vector popcount and, for kept n-grams only, a
  // gather from here.
  std::vector<std::uint32_t> kept_before_words_;
  bool batched_ = false;
  // Whether words with non-ASCII bytes take kept_utf8_ngrams_avx512.
  bool utf8_vector_ = false;
  // Lemire's fastmod constant: a hash's bucket by two multiplications instead of a division.
  std::uint64_t bucket_reciprocal_ = 0;
  Path path_ = Path::scalar;
};

// The vector paths for an all-ASCII word (char_ngrams_avx2.cpp, char_ngrams_avx512.cpp); they
// hash a block of starting positions for every length, then append its kept n-grams by start and
// length, which is computeSubwords order. Only called where the CPU has the instructions.
void kept_ascii_ngrams_avx2(const NgramBuckets& buckets, const char* word, std::size_t size,
                            std::vector<KeptNgram>& out);
void kept_ascii_ngrams_avx512(const NgramBuckets& buckets, const char* word, std::size_t size,
                              std::vector<KeptNgram>& out);

// The AVX-512 path for a word with non-ASCII bytes (n-grams of UTF-8 characters), for models
// with min_n >= 2 and max_n <= 4; false (`out` partly written) where a character is longer than
// 4 bytes, malformed text the scalar path takes instead.
bool kept_utf8_ngrams_avx512(const NgramBuckets& buckets, const char* word, std::size_t size,
                             std::vector<KeptNgram>& out);

// The batched path (char_ngrams_batch_avx512.cpp): sets out.spans of the all-ASCII tokens, and
// marks the others' with begin > end for the caller; `kept_before_words`: kept buckets before each
// 32 (unused without kept_bits). Only called where batched_avx512_supported().
bool batched_avx512_supported();
void kept_ascii_ranks_avx512(const NgramBuckets& buckets, const std::uint32_t* kept_before_words,
                             const std::string_view* tokens, std::size_t count, BatchedNgrams& out);

}  // namespace loom::fasttext_inference
