// minhash_dedup: MinHash LSH near-duplicate removal over the stage's whole input, with
// datatrove's defaults (word 5-grams, 14 bands of 8 hashes). observe() signs every document and
// files its band keys (MinhashSignature, MinhashIndex); the first process() call builds the
// clusters; then every document whose cluster's first document (input order: shard, then
// record) is another one is dropped as `near_duplicate`, with meta naming that survivor.
// On more than one rank the clusters span the job (MinhashExchange, minhash_exchange.hpp).
#pragma once

#include "minhash_exchange.hpp"
#include "minhash_index.hpp"
#include "minhash_signature.hpp"

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace loom::dedup {

struct MinhashDedupOptions {
  std::int64_t ngram_words = 5;
  std::int64_t bands = 14;
  std::int64_t rows_per_band = 8;
  std::int64_t seed = 1;
  double memory_budget_mb = 512;
  std::string spill_dir;

  static constexpr auto fields = std::tuple(
      field("ngram_words", &MinhashDedupOptions::ngram_words,
            "words per shingle (a document with fewer words is one shingle of all of them)")
          .range(1, 64),
      field("bands", &MinhashDedupOptions::bands, "LSH bands").range(1, 256),
      field("rows_per_band", &MinhashDedupOptions::rows_per_band, "minhashes per band")
          .range(1, 64),
      field("seed", &MinhashDedupOptions::seed, "seed of the word hash and the permutations"),
      field("memory_budget_mb", &MinhashDedupOptions::memory_budget_mb,
            "band records (16 bytes per document and band) held in memory before sorted runs "
            "are spilled to disk; on more than one rank, also what one exchange round's bucket "
            "keys may take (80 bytes per key), the keys other ranks also have held in memory "
            "before sorted runs are spilled, and what one label round's part may take (100 "
            "bytes per such key)")
          .min(0.001),
      field("spill_dir", &MinhashDedupOptions::spill_dir,
            "parent folder of the spill folder; empty: $TMPDIR, else /tmp"));
};

class MinhashDedup : public Deduper {
 public:
  static constexpr const char* name = "minhash_dedup";
  static constexpr const char* summary =
      "MinHash LSH near-duplicate removal (word 5-grams, 14 bands x 8) over the whole input, "
      "keeping the first document of each cluster";
  static constexpr std::uint32_t flags = order_sensitive | whole_input;
  using Options = MinhashDedupOptions;
  static constexpr Declared drop_reasons[] = {
      {"near_duplicate", "a near-duplicate of an earlier document"}};
  static constexpr Declared meta_fields[] = {
      {"near_duplicate_of_shard", "the kept document's shard"},
      {"near_duplicate_of_record", "the kept document's record"}};

  explicit MinhashDedup(const Options& options);
  void observe(const Batch& batch) override;
  void process(Batch& batch) override;
  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

 private:
  struct Survivor {
    std::uint32_t shard;  // into shards_
    std::uint64_t record;
  };

  MinhashSignature signature_;
  MinhashIndex index_;
  MinhashExchange exchange_;
  std::vector<std::uint64_t> band_keys_;
  std::uint32_t next_doc_ = 0;  // in process()
  std::vector<std::string> shards_;
  std::uint64_t last_shard_index_ = ~std::uint64_t{0};
  std::unordered_map<std::uint32_t, Survivor> survivors_;
};

}  // namespace loom::dedup
