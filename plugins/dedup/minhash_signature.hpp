// MinHash signatures of documents as sets of word n-grams ("shingles"), cut into LSH band keys.
//
// Words: textlib::for_each_word (whitespace, then punctuation runs at the ends of each chunk);
// words of punctuation only are skipped, ASCII letters are lowercased and each run of ASCII
// digits becomes one '0' (an approximation of datatrove's simplify_text, which also strips
// diacritics and lowercases all of Unicode: here other bytes are kept as they are). Each word is
// hashed once (XXH3-64 of its normalized bytes, seeded), a shingle is the XXH3-64 of its n word
// hashes. A document with fewer words than n has one shingle (all its words); one with no words has
// none.
//
// Permutation k is the multiply-shift hash h_k(x) = (a_k * x + b_k) >> 32 (mod 2^64, a_k odd),
// the signature the minimum of each h_k over the shingles, and band b's key the XXH3-64 (seed b)
// of its rows_per_band consecutive minima. Not datatrove's signature bit for bit (it uses sha1
// shingles and (a*x + b) mod 2^61-1): the same collision probability per row, so the same S-curve.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace loom::dedup {

struct MinhashShape {
  std::size_t ngram_words = 5;
  std::size_t bands = 14;
  std::size_t rows_per_band = 8;
  std::uint64_t seed = 1;
};

class MinhashSignature {
 public:
  explicit MinhashSignature(const MinhashShape& shape);
  const MinhashShape& shape() const { return shape_; }

  // Fills band_keys (shape.bands entries) for `text`; returns false, leaving them unset, when
  // the text has no words (such a document is never a candidate).
  bool band_keys(std::string_view text, std::vector<std::uint64_t>& band_keys);

  // The signature itself (bands * rows_per_band minima) of the last band_keys() call.
  std::span<const std::uint32_t> minima() const {
    return {minima_.data(), shape_.bands * shape_.rows_per_band};
  }

 private:
  static constexpr std::size_t kLanes = 8;
  void add_shingle(std::uint64_t shingle);

  MinhashShape shape_;
  std::vector<std::uint64_t> multipliers_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint32_t> minima_;
  std::vector<std::uint64_t> word_hashes_;
  std::string normalized_;
};

}  // namespace loom::dedup
