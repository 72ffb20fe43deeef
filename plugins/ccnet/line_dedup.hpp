// ccnet_line_dedup: cc_net's paragraph dedup (dedup.py: HashesCollector, then DuplicatesRemover
// and finalize_doc) over a group of input: by default the stage's whole input (on many ranks,
// the whole job's: the ranks exchange their line hashes); with group_shards N, each run of N
// consecutive input shards (by shard index) on its own, as cc_net's hash group (RedPajama ran
// hash_in_mem=1: the hashes of one cc_net shard, i.e. of its group of WET segments).
//
// First pass (observe): every line of every document is hashed (sha1 of normalize_for_dedup,
// first 8 bytes, little-endian) and counted once per document. Second pass (process): a line
// whose hash two or more documents have is removed everywhere, its first copy included; then a
// line repeating an earlier one of the same document is removed (the first copy stays). Empty
// lines share one hash, so they go as soon as two documents have one. A document left with no
// line is dropped (all_lines_duplicate); one with no text at all is dropped (empty_text).
//
// Fields, as finalize_doc writes them: original_nlines (the incoming `nlines`, else the line
// count) and original_length (the incoming `length`, the WET Content-Length, else the code point
// count), both only if not already there; then nlines, length (code points of the new text) and
// line_ids (JSON list of the kept lines' indices, mapped through an incoming line_ids).
//
// The line hashes are held within memory_budget_mb; past it they go to sorted runs on disk
// (grouped_line_counts.hpp), and so does the set of lines found twice past its share
// (duplicated_lines.hpp), with the same decisions. The first pass's hashes, up to a sixteenth of
// memory_budget_mb (64 MiB at the default), are kept for the second (first_pass_hashes.hpp), which
// then hashes only the rest.
#pragma once

#include "first_pass_hashes.hpp"
#include "grouped_line_counts.hpp"
#include "line_hash_exchange.hpp"

#include <loom/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loom::ccnet {

struct LineDedupOptions {
  std::int64_t group_shards = 0;
  double memory_budget_mb = 1024;
  std::string spill_dir;

  static constexpr auto fields = std::tuple(
      field("group_shards", &LineDedupOptions::group_shards,
            "0: one group, the whole input (of every rank of a distributed run); N: each run of "
            "N consecutive input shards, by shard index, is deduplicated on its own (cc_net's "
            "hash_in_mem)")
          .min(0),
      field("memory_budget_mb", &LineDedupOptions::memory_budget_mb,
            "memory for the line hashes: up to half for the tables (10 to 15 bytes per distinct "
            "line), past it they go to sorted runs on disk (16 bytes per line and table spill) "
            "through a sort buffer of the other half; the lines found in two documents then take "
            "half (10 to 15 bytes each up to a quarter, past it sorted runs on disk: 24 bytes "
            "each, about 1.3 in memory); on many ranks, also for one exchange round's records (96 "
            "bytes per line hash), in as many key-range parts as it takes")
          .min(0.001),
      field("spill_dir", &LineDedupOptions::spill_dir,
            "parent folder of the spill folder; empty: $TMPDIR, else /tmp"));
};

class LineDedup : public Deduper {
 public:
  static constexpr const char* name = "ccnet_line_dedup";
  static constexpr const char* summary =
      "cc_net's line dedup: removes lines found in two or more documents of the whole input, "
      "or of each group of N shards (first copy too), and repeats within a document";
  static constexpr std::uint32_t flags = order_sensitive | whole_input;
  using Options = LineDedupOptions;
  static constexpr Declared drop_reasons[] = {
      {"empty_text", "no line to start with"},
      {"all_lines_duplicate", "every line also occurs elsewhere"}};
  static constexpr Declared meta_fields[] = {{"original_nlines", "lines before dedup"},
                                             {"original_length", "characters before dedup"},
                                             {"nlines", "lines kept"},
                                             {"length", "characters kept"},
                                             {"line_ids", "indexes of the kept lines"}};

  explicit LineDedup(const Options& options);
  void observe(const Batch& batch) override;
  void process(Batch& batch) override;

  // On more than one rank (docs/guides/scale-out.md): each (group, line hash) of the groups that
  // span ranks, with the number of this rank's documents that have it, in parts within
  // memory_budget_mb (line_hash_exchange.hpp); a line the job's documents have twice is
  // duplicated.
  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

 private:
  std::uint64_t group_of(const Batch& batch) const;
  void dedup_document(Doc doc, std::size_t index, const DuplicatedInGroup& counts);

  Options options_;
  GroupedLineCounts groups_;                  // by group (shard index / group_shards)
  std::optional<LineHashExchange> exchange_;  // from the first round to the last
  FirstPassHashes first_pass_;                // observe()'s line hashes, for process()
  bool spill_logged_ = false;                 // that the duplicated lines went to disk
  SeenInDocument seen_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::int64_t> line_ids_;
  std::string text_;
  std::string ids_json_;
};

}  // namespace loom::ccnet
