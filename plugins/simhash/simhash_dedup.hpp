// simhash_dedup: RedPajama's book near-duplicate removal (book/dedup.py with 1e0ng/simhash).
//
// The reference fingerprints every book, indexes them all, then drops a book iff one of its
// near-duplicates (Hamming distance <= max_distance) has a smaller id. Its ids follow input order,
// so "a smaller id" is "seen earlier": streaming in input order, a book is dropped iff a
// near-duplicate was seen before it, dropped or not (the rule is pairwise, not transitive). Every
// book gets a unique id (its position in the stream), so the reference's pg19/books3 id collision
// is not reproduced.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>

#include "simhash.hpp"
#include "simhash_index.hpp"

namespace loom::simhash {

struct SimhashDedupOptions {
  std::int64_t shingle_width = 6;
  std::int64_t max_distance = 5;
  std::int64_t max_chars = 0;
  std::string fingerprint_field;

  static constexpr auto fields = std::tuple(
      field("shingle_width", &SimhashDedupOptions::shingle_width,
            "characters per shingle, after lower-casing and deleting non-word characters "
            "(dedup.py -w)")
          .range(1, 13),
      field("max_distance", &SimhashDedupOptions::max_distance,
            "largest Hamming distance between near-duplicate fingerprints; the index uses "
            "max_distance + 1 blocks (dedup.py -k)")
          .range(0, 63),
      field("max_chars", &SimhashDedupOptions::max_chars,
            "fingerprint only the first this many code points; 0 means the whole text "
            "(dedup.py -l)")
          .min(0),
      field("fingerprint_field", &SimhashDedupOptions::fingerprint_field,
            "if set, the meta field that receives each document's fingerprint as 16 hex "
            "digits (for inspection; off in the RedPajama graph)"));
};

class SimhashDedup : public Deduper {
 public:
  static constexpr const char* name = "simhash_dedup";
  static constexpr const char* summary =
      "drops near-duplicates by 64-bit SimHash of character shingles, keeping the earliest";
  using Options = SimhashDedupOptions;
  static constexpr Declared drop_reasons[] = {
      {"simhash_near_dup", "near-duplicate of an earlier book"}};
  static constexpr Declared meta_fields[] = {
      {"*", "the fingerprint, under the fingerprint_field option"}};

  explicit SimhashDedup(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  SimhashIndex index_;
  FeatureScratch scratch_;
};

}  // namespace loom::simhash
