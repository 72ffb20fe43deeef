// Near-duplicate lookup for 64-bit fingerprints, as simhash's SimhashIndex does it: with a
// tolerance of k differing bits, the fingerprint is cut into k + 1 blocks at offsets 64 / (k + 1) *
// i (the last block takes the remaining bits). Two fingerprints within k bits agree on at least one
// whole block, so candidates come only from the k + 1 buckets of a fingerprint, never from all
// pairs. Memory per stored fingerprint: 8 bytes plus 4 per block, plus one map entry per distinct
// block value.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace loom::simhash {

class SimhashIndex {
 public:
  explicit SimhashIndex(int max_distance);

  // The id of the first stored fingerprint within max_distance bits, if any.
  std::optional<std::uint32_t> first_near(std::uint64_t fingerprint) const;
  // Stores a fingerprint; its id is the number stored before it.
  std::uint32_t insert(std::uint64_t fingerprint);
  std::size_t size() const { return fingerprints_.size(); }
  int blocks() const { return static_cast<int>(shifts_.size()); }

 private:
  static constexpr std::uint32_t none = UINT32_MAX;

  std::uint64_t block_value(std::uint64_t fingerprint, int block) const {
    return (fingerprint >> shifts_[block]) & masks_[block];
  }

  int max_distance_;
  std::vector<int> shifts_;
  std::vector<std::uint64_t> masks_;
  // Per block: block value -> newest id in that bucket; next_[id * blocks + block] links older ids.
  std::vector<std::unordered_map<std::uint64_t, std::uint32_t>> newest_;
  std::vector<std::uint32_t> next_;
  std::vector<std::uint64_t> fingerprints_;
};

}  // namespace loom::simhash
