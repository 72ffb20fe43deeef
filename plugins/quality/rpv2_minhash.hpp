// rpv2_minhash: RedPajama-V2's banded MinHash signatures of each document (what V2 writes to
// <shard>.minhash.parquet for its LSH step), into meta as signature_sim<threshold>: a JSON list
// of bands, each band's uint32 values big-endian in hex, or null under ngram_size words.
// docs/reference/rpv2-signals.md#minhash-signatures.
#pragma once

#include "rpv2_minhash_signature.hpp"

#include <loom/plugin.hpp>

#include <string>
#include <vector>

namespace loom::quality {

struct Rpv2MinHashOptions {
  StringList similarity_thresholds = {"1.0", "0.9", "0.8", "0.7"};
  std::int64_t ngram_size = 13;
  std::int64_t num_permutations = 128;
  std::int64_t seed = 42;

  using O = Rpv2MinHashOptions;
  static constexpr auto fields = std::tuple(
      field("similarity_thresholds", &O::similarity_thresholds,
            "Jaccard thresholds, as written in the meta field names signature_sim<threshold>; "
            "each gets the bands and rows of datasketch's optimal_param (V2's rp_v2.0.conf)"),
      field("ngram_size", &O::ngram_size, "words per shingle (of V2's normalized words)").min(1),
      field("num_permutations", &O::num_permutations, "hash permutations per signature")
          .range(1, 1024),
      field("seed", &O::seed, "seed of numpy's RandomState that draws the permutations")
          .range(0, 4294967295));

  void validate() const;
};

class Rpv2MinHash : public Cleaner {
 public:
  static constexpr const char* name = "rpv2_minhash";
  static constexpr const char* summary =
      "RedPajama-V2's banded MinHash signatures (signature_sim<threshold>) in meta, bit for bit";
  using Options = Rpv2MinHashOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {{"*", "one signature field per banding"}};

  explicit Rpv2MinHash(const Options& options);
  void process(Batch& batch) override;

 private:
  struct Banding {
    std::string key;  // signature_sim<threshold>
    std::size_t bands = 0;
    std::size_t rows = 0;
  };

  Options options_;
  MinHashPermutations permutations_;
  std::vector<Banding> bandings_;
};

}  // namespace loom::quality
