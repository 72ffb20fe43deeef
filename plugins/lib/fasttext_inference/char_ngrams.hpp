// The character n-grams fastText's Dictionary::computeSubwords derives from a word, reduced to
// the hash buckets that still have an input row: most of an unknown token's cost, so it has a
// scalar path for any word and AVX2 and AVX-512 paths for all-ASCII words (each byte a
// character), chosen once at run time. All give the same buckets in the same order, so a token's
// row sum is the same bits on every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loom::fasttext_inference {

// Which of a model's hash buckets kept an input row, and the n-gram lengths it uses.
struct NgramBuckets {
  std::uint32_t buckets = 0;
  int min_n = 0;
  int max_n = 0;
  // Bit b set: bucket b kept its row (a model quantized with -cutoff). Null: every bucket did.
  const std::uint64_t* kept_bits = nullptr;
};

// One n-gram whose bucket has a row: `order` sorts n-grams as computeSubwords emits them (by
// starting character, then length).
struct KeptNgram {
  std::uint32_t order;
  std::uint32_t bucket;
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

 private:
  void kept_scalar(const char* word, std::size_t size, std::vector<KeptNgram>& out) const;

  NgramBuckets buckets_;
  // Lemire's fastmod constant: a hash's bucket by two multiplications instead of a division.
  std::uint64_t bucket_reciprocal_ = 0;
  Path path_ = Path::scalar;
};

// The vector paths for an all-ASCII word (char_ngrams_avx2.cpp, char_ngrams_avx512.cpp); they
// append to `out` in (block, length, lane) order, which the caller sorts. Only called where the
// CPU has the instructions.
void kept_ascii_ngrams_avx2(const NgramBuckets& buckets, const char* word, std::size_t size,
                            std::vector<KeptNgram>& out);
void kept_ascii_ngrams_avx512(const NgramBuckets& buckets, const char* word, std::size_t size,
                              std::vector<KeptNgram>& out);

}  // namespace loom::fasttext_inference
