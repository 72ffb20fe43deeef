// url_digest_dedup: RedPajama's document dedup of the CommonCrawl slice (data_prep/cc/dedup/
// dedup_phase1.py, dedup_phase2.py) over the stage's whole input. See UrlDigestIndex for the
// rule: per input file a URL -> digest dict (last line wins), files in order, the first URL of
// each new digest kept, and a record kept iff its URL was kept.
//
// The reference's "file" is one cc_net output file (en_head_0000.json.gz). Here it is the
// document's source shard (the batch's shard URI), or a meta field naming it (`file_field`), and
// files are walked in the order they first appear in the input: the sorted shard order, where the
// reference walks Python's unsorted glob() order.
//
// The index keeps its records within `memory_budget_mb` and spills sorted runs past it
// (UrlDigestIndex), with the same decisions; on R > 1 ranks its exchange goes in key-range parts
// within the same budget (UrlDigestExchange).
#pragma once

#include "url_digest_exchange.hpp"
#include "url_digest_index.hpp"

#include <loom/plugin.hpp>

#include <memory>
#include <optional>
#include <string>

namespace loom::dedup {

struct UrlDigestDedupOptions {
  std::string url_field = "url";
  std::string digest_field = "digest";
  std::string file_field;
  std::string on_missing = "fail";
  double memory_budget_mb = 512;
  std::string spill_dir;

  static constexpr const char* on_missing_values[] = {"fail", "keep"};
  static constexpr auto fields = std::tuple(
      field("url_field", &UrlDigestDedupOptions::url_field, "meta field holding the URL"),
      field("digest_field", &UrlDigestDedupOptions::digest_field,
            "meta field holding the content digest (cc_net: the WET WARC-Block-Digest)"),
      field("file_field", &UrlDigestDedupOptions::file_field,
            "meta field naming the document's input file; empty: its source shard"),
      field("on_missing", &UrlDigestDedupOptions::on_missing,
            "a document without a string URL or digest: fail the run, or keep it (never a "
            "duplicate)")
          .one_of(on_missing_values),
      field("memory_budget_mb", &UrlDigestDedupOptions::memory_budget_mb,
            "memory for the observed records (48 bytes each), and as much again for the "
            "decision's digests and URLs; past it, sorted runs on disk; on more than one rank, "
            "also what one exchange round's records take (80 bytes per digest or URL)")
          .min(0.001),
      field("spill_dir", &UrlDigestDedupOptions::spill_dir,
            "parent folder of the spill folder; empty: $TMPDIR, else /tmp"));
};

class UrlDigestDedup : public Deduper {
 public:
  static constexpr const char* name = "url_digest_dedup";
  static constexpr const char* summary =
      "RedPajama's CC document dedup: keeps the records of the first URL of each digest, per "
      "file in order, over the whole input";
  static constexpr std::uint32_t flags = order_sensitive | whole_input;
  using Options = UrlDigestDedupOptions;
  static constexpr Declared drop_reasons[] = {
      {"duplicate", "a later URL of an already kept digest"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit UrlDigestDedup(const Options& options);
  void observe(const Batch& batch) override;
  void process(Batch& batch) override;

  // On more than one rank (docs/guides/scale-out.md): a round checking that no file spans ranks,
  // then UrlDigestExchange's rounds (the job's first entry of each digest, the URLs some rank
  // keeps) in key-range parts within memory_budget_mb.
  void export_keys(std::uint32_t round, KeyExport& out);
  void import_keys(std::uint32_t round, const MergedKeys& in);

 private:
  // The document's URL and digest, or false (on_missing: keep) when one is missing.
  bool key_of(const Doc& doc, std::size_t record, std::string_view& url,
              std::string_view& digest) const;

  Options options_;
  UrlDigestIndex index_;
  bool decided_ = false;
  // Across ranks: the shard of the first record observed here orders this rank's walk among
  // the job's; the file round's exported records; the exchange after it.
  std::optional<std::uint64_t> first_shard_;
  std::size_t exported_files_ = 0;
  std::unique_ptr<UrlDigestExchange> exchange_;
};

}  // namespace loom::dedup
