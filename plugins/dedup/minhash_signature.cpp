#include "minhash_signature.hpp"

#include <text/words.hpp>

#include <xxhash.h>

#include <algorithm>
#include <limits>

namespace loom::dedup {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

MinhashSignature::MinhashSignature(const MinhashShape& shape) : shape_(shape) {
  // Padded to whole groups of kLanes: the extra hashes are computed and never read.
  const std::size_t hashes = (shape.bands * shape.rows_per_band + kLanes - 1) / kLanes * kLanes;
  std::uint64_t state = shape.seed;
  multipliers_.resize(hashes);
  offsets_.resize(hashes);
  for (std::size_t k = 0; k < hashes; ++k) {
    multipliers_[k] = splitmix64(state) | 1;  // odd: a bijection of the 64-bit shingle hashes
    offsets_[k] = splitmix64(state);
  }
  minima_.resize(hashes);
}

// Most of the time of the whole deduper is this loop (112 hashes per shingle): compiled also for
// AVX2 and AVX-512 (chosen at load time), where it runs 4 or 8 hashes per instruction. Same
// integer arithmetic on every path, so the same signatures on every machine. Not under
// ThreadSanitizer: the clones' ifunc resolver runs while the plugin is being relocated, and TSan's
// instrumentation of it calls into the runtime through a GOT entry not yet bound (a crash at load).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"),
               optimize("vect-cost-model=dynamic")))
#endif
void MinhashSignature::add_shingle(std::uint64_t shingle) {
  const std::size_t hashes = minima_.size();
  const std::uint64_t* __restrict a = multipliers_.data();
  const std::uint64_t* __restrict b = offsets_.data();
  std::uint32_t* __restrict m = minima_.data();
  for (std::size_t group = 0; group < hashes; group += kLanes)
    for (std::size_t k = group; k < group + kLanes; ++k)  // a fixed count: vectorized at -O2
      m[k] = std::min(m[k], static_cast<std::uint32_t>((a[k] * shingle + b[k]) >> 32));
}

bool MinhashSignature::band_keys(std::string_view text, std::vector<std::uint64_t>& band_keys) {
  word_hashes_.clear();
  textlib::for_each_word(text, [&](const textlib::Word& word) {
    if (word.symbols_only) return;
    normalized_.clear();
    bool in_number = false;
    for (char c : word.text) {
      const bool digit = c >= '0' && c <= '9';
      if (digit && in_number) continue;  // a run of digits is one '0'
      in_number = digit;
      if (digit)
        c = '0';
      else if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
      normalized_.push_back(c);
    }
    word_hashes_.push_back(
        XXH3_64bits_withSeed(normalized_.data(), normalized_.size(), shape_.seed));
  });
  if (word_hashes_.empty()) return false;
  std::fill(minima_.begin(), minima_.end(), std::numeric_limits<std::uint32_t>::max());
  const std::size_t n = std::min(shape_.ngram_words, word_hashes_.size());
  const std::size_t width = n * sizeof(std::uint64_t);
  for (std::size_t start = 0; start + n <= word_hashes_.size(); ++start)
    add_shingle(XXH3_64bits(word_hashes_.data() + start, width));
  band_keys.resize(shape_.bands);
  const std::size_t row_bytes = shape_.rows_per_band * sizeof(std::uint32_t);
  for (std::size_t band = 0; band < shape_.bands; ++band)
    band_keys[band] =
        XXH3_64bits_withSeed(minima_.data() + band * shape_.rows_per_band, row_bytes, band);
  return true;
}

}  // namespace loom::dedup
