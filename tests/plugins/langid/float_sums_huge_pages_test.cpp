// The classifier's memory helpers: the running row sum kept in registers (SixteenFloats) gives
// exactly add_floats' bits, and huge-page memory is 2 MB-aligned, zero-filled and
// usable through std::vector at any size.
#include <doctest/doctest.h>

#include <fasttext_inference/float_sums.hpp>
#include <fasttext_inference/huge_pages.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

using namespace loom::fasttext_inference;

TEST_CASE("SixteenFloats sums rows to add_floats' exact bits") {
  std::mt19937 random(20261206);
  // Magnitudes far apart, so that any change in the order of additions changes the bits.
  std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-20, 20);
  std::vector<float> rows(300 * 16);
  for (float& x : rows) x = std::ldexp(mantissa(random), exponent(random));

  std::vector<float> expected(16, 0.0f);
  for (std::size_t r = 0; r < 300; ++r) add_floats(expected.data(), rows.data() + r * 16, 16);

  SixteenFloats in_registers;
  for (std::size_t r = 0; r < 300; ++r) in_registers.add(rows.data() + r * 16);
  std::vector<float> got(16, -1.0f);
  in_registers.store(got.data());
  CHECK(std::memcmp(got.data(), expected.data(), 16 * sizeof(float)) == 0);

  // A naive left-to-right sum per element is what both must equal.
  for (std::size_t d = 0; d < 16; ++d) {
    float naive = 0.0f;
    for (std::size_t r = 0; r < 300; ++r) naive += rows[r * 16 + d];
    CHECK(std::memcmp(&naive, &expected[d], sizeof naive) == 0);
  }
}

TEST_CASE("map_huge_pages gives 2 MB-aligned zeroed memory") {
  for (const std::size_t bytes : {std::size_t{1}, std::size_t{3} << 20, std::size_t{32} << 20}) {
    void* memory = map_huge_pages(bytes);
    REQUIRE(memory != nullptr);
    CHECK(reinterpret_cast<std::uintptr_t>(memory) % (std::size_t{2} << 20) == 0);
    auto* bytes_of = static_cast<unsigned char*>(memory);
    CHECK(bytes_of[0] == 0);
    CHECK(bytes_of[bytes - 1] == 0);
    bytes_of[0] = 1;
    bytes_of[bytes - 1] = 2;  // the whole requested size is writable
    CHECK(bytes_of[bytes - 1] == 2);
    unmap_huge_pages(memory, bytes);
  }
}

TEST_CASE("HugePageAllocator serves small and large vectors") {
  std::vector<float, HugePageAllocator<float>> small(1000, 1.5f);                  // on the heap
  std::vector<float, HugePageAllocator<float>> large(std::size_t{1} << 20, 2.5f);  // 4 MB
  CHECK(reinterpret_cast<std::uintptr_t>(large.data()) % (std::size_t{2} << 20) == 0);
  CHECK(small.back() == 1.5f);
  CHECK(large.back() == 2.5f);
  large.resize(std::size_t{3} << 20, 3.5f);  // grows into a new mapping, the old one returned
  CHECK(large[(std::size_t{1} << 20) - 1] == 2.5f);
  CHECK(large.back() == 3.5f);
}
