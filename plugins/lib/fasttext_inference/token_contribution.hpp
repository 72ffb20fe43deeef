// What one token adds to a fastText hidden vector: shared by the TokenCache (which stores it) and
// FirstSightings (which computes it for a line's new tokens).
#pragma once

#include <cstdint>

namespace loom::fasttext_inference {

struct TokenContribution {
  const float* row_sum = nullptr;  // `dimension` floats
  std::uint32_t rows = 0;          // input rows summed (0: the token adds nothing)
  std::int32_t word_hash = 0;      // fastText's hash of the token (0 without word n-grams)
  bool is_word = false;            // false: a label token, which fastText leaves out entirely
};

}  // namespace loom::fasttext_inference
