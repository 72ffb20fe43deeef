// sum += row over a fastText dimension's floats, four at a time: the same additions per element
// as a plain loop, so the same result, in a quarter of the instructions (GCC does not vectorize
// a loop of unknown length at -O2). Every row of a hidden vector goes through here.
#pragma once

#include <cstddef>
#include <cstring>

namespace loom::fasttext_inference {

inline void add_floats(float* __restrict sum, const float* __restrict row, std::size_t n) {
  using Four = float __attribute__((vector_size(16)));
  const std::size_t whole = n / 4 * 4;
  std::size_t d = 0;
  for (; d < whole; d += 4) {
    Four a;
    Four b;
    std::memcpy(&a, sum + d, sizeof a);
    std::memcpy(&b, row + d, sizeof b);
    a += b;
    std::memcpy(sum + d, &a, sizeof a);
  }
  for (; d < n; ++d) sum[d] += row[d];
}

// A running sum of rows: SixteenFloats keeps the 16 floats of fastText's usual classifier dimension
// (lid.176's) in four vector registers instead of storing and reloading them for every row;
// Floats is any dimension, in memory. Both make the same additions per element as add_floats.
class SixteenFloats {
 public:
  void add(const float* __restrict row) {
    for (int i = 0; i < 4; ++i) {
      Four b;
      std::memcpy(&b, row + 4 * i, sizeof b);
      parts_[i] += b;
    }
  }
  void store(float* out) const { std::memcpy(out, parts_, sizeof parts_); }

 private:
  using Four = float __attribute__((vector_size(16)));
  Four parts_[4] = {};
};

class Floats {
 public:
  Floats(float* sum, std::size_t n) : sum_(sum), n_(n) {}
  void add(const float* row) { add_floats(sum_, row, n_); }
  void store(float*) const {}  // the sum is already in place

 private:
  float* sum_;
  std::size_t n_;
};

}  // namespace loom::fasttext_inference
