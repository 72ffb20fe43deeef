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
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

  // On more than one rank (docs/guides/scale-out.md): observe() fingerprints the rank's books
  // and keeps them (8 bytes each) for process(); the exchange brings each rank every fingerprint
  // of the lower ranks (whose books all come earlier), which enter the index before process()
  // starts. So a book is dropped iff a near-duplicate came before it in the job, as on one
  // process. Round 0: the books per shard (key: shard index); round 1: the fingerprints of the
  // shards below this rank's, in chunks (simhash_exchange.cpp).
  void observe(const Batch& batch) override;
  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

 private:
  // max_threads: as FeatureScratch's.
  Fingerprint fingerprint_of(std::string_view text, const Batch& batch, const Doc& doc,
                             std::size_t index, std::size_t max_threads);
  // The fingerprints of the batch's documents that are not dropped, in order, computed in
  // parallel.
  std::vector<std::uint64_t> fingerprints_of(const Batch& batch);
  std::unique_ptr<FeatureScratch> take_scratch();
  void give_back(std::unique_ptr<FeatureScratch> scratch);

  Options options_;
  SimhashIndex index_;
  std::mutex scratch_mutex_;
  std::vector<std::unique_ptr<FeatureScratch>> free_scratch_;

  // Across ranks only: this rank's fingerprints per shard, in input order, which process()
  // takes in turn (it sees the same batches in the same order) instead of computing them again.
  struct ShardFingerprints {
    std::vector<std::uint64_t> values;
    std::size_t next = 0;
  };
  bool exchanged_ = false;
  std::map<std::uint64_t, ShardFingerprints> own_shards_;
  // Round 0's questions (the shards below this rank's first) and their answers.
  std::vector<std::uint64_t> lower_shards_;
  std::vector<std::uint64_t> lower_counts_;
};

}  // namespace loom::simhash
