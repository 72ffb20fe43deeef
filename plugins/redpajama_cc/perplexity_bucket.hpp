// perplexity_bucket: cc_net's PerplexityBucket (head / middle / tail by per-language perplexity
// cutoffs), and RedPajama's choice of buckets: the documents of the buckets in `drop_buckets` are
// dropped (reason bucket_<name>) with their bucket recorded, so the `dropped` port still has it.
#pragma once

#include "cutoff_table.hpp"

#include <loom/plugin.hpp>

#include <string>

namespace loom::redpajama_cc {

inline constexpr const char* bucket_names[] = {"head", "middle", "tail", "all"};

struct PerplexityBucketOptions {
  std::string cutoff_csv;
  StringMap head_cutoffs;
  StringMap tail_cutoffs;
  std::int64_t head_percentile = 30;
  std::int64_t tail_percentile = 60;
  StringList drop_buckets;
  std::string perplexity_field = "perplexity";
  std::string language_field = "language";
  std::string bucket_field = "bucket";

  static constexpr auto fields = std::tuple(
      field("cutoff_csv", &PerplexityBucketOptions::cutoff_csv,
            "cc_net's cutoff.csv format (rows: percentile 0..99, one column per language); "
            "empty: use head_cutoffs and tail_cutoffs"),
      field("head_cutoffs", &PerplexityBucketOptions::head_cutoffs,
            "without cutoff_csv: language -> perplexity below which a document is head "
            "(cc_net's en: 340)"),
      field("tail_cutoffs", &PerplexityBucketOptions::tail_cutoffs,
            "without cutoff_csv: language -> perplexity from which a document is tail, below it "
            "middle (cc_net's en: 520)"),
      field("head_percentile", &PerplexityBucketOptions::head_percentile,
            "cutoff_csv row giving the head cutoff")
          .range(0, 99),
      field("tail_percentile", &PerplexityBucketOptions::tail_percentile,
            "cutoff_csv row giving the tail cutoff")
          .range(0, 99),
      field("drop_buckets", &PerplexityBucketOptions::drop_buckets,
            "buckets to drop (reason bucket_<name>), of head, middle, tail, all; RedPajama: "
            "[tail]; empty: only annotate"),
      field("perplexity_field", &PerplexityBucketOptions::perplexity_field,
            "meta field holding the perplexity (missing: bucket all)"),
      field("language_field", &PerplexityBucketOptions::language_field,
            "meta field holding the language (missing or without cutoffs: bucket all)"),
      field("bucket_field", &PerplexityBucketOptions::bucket_field,
            "meta field the bucket is written to"));

  void validate() const;
};

class PerplexityBucket : public Filter {
 public:
  static constexpr const char* name = "perplexity_bucket";
  static constexpr const char* summary =
      "cc_net's perplexity buckets (head/middle/tail per language cutoffs); optionally drops some";
  using Options = PerplexityBucketOptions;
  static constexpr Declared drop_reasons[] = {
      {"bucket_*", "bucket_<name> for a bucket in drop_buckets"}};
  static constexpr Declared meta_fields[] = {{"*", "the bucket, under bucket_field"}};

  explicit PerplexityBucket(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  CutoffTable table_;
  bool drop_[std::size(bucket_names)] = {};
};

}  // namespace loom::redpajama_cc
