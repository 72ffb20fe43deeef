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
  // Four named parts, written out: with an array and a loop over it, GCC -O2 kept the sum on the
  // stack, so every row's add waited on a store and a reload of the one before.
  void add(const float* __restrict row) {
    Four b0;
    Four b1;
    Four b2;
    Four b3;
    std::memcpy(&b0, row, sizeof b0);
    std::memcpy(&b1, row + 4, sizeof b1);
    std::memcpy(&b2, row + 8, sizeof b2);
    std::memcpy(&b3, row + 12, sizeof b3);
    p0_ += b0;
    p1_ += b1;
    p2_ += b2;
    p3_ += b3;
  }
  void store(float* out) const {
    std::memcpy(out, &p0_, sizeof p0_);
    std::memcpy(out + 4, &p1_, sizeof p1_);
    std::memcpy(out + 8, &p2_, sizeof p2_);
    std::memcpy(out + 12, &p3_, sizeof p3_);
  }

 private:
  using Four = float __attribute__((vector_size(16)));
  Four p0_ = {};
  Four p1_ = {};
  Four p2_ = {};
  Four p3_ = {};
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
