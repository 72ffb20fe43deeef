// The LSH index of minhash_dedup: per band, one (bucket key, document index) record per document;
// documents sharing a bucket key in any band are near-duplicate candidates, joined into clusters
// by union-find. Document indices are input order, and a union always makes the smaller index
// the root, so a cluster's root is its first document whatever order the unions come in.
//
// Memory: a 16-byte record per document and band until the records held reach the budget; then
// each band's records are sorted and written to a run file in a private spill folder (removed
// when the index is destroyed), and resolve() merges each band's runs (a read block per run:
// 1 MB, or the budget shared among the runs, at least 4 KB each). After resolve(), 4 bytes
// per document (its cluster root) and one bit (whether it is a root with members).
//
// Bands are independent: resolve() walks them one at a time. A distributed run
// (MinhashExchange) walks them itself, one key range of a band per exchange round, visiting each
// bucket's first document, then joins clusters across ranks before settle().
#pragma once

#include <loom/sdk/spill_folder.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace loom::dedup {

class MinhashIndex {
 public:
  struct Record {
    std::uint64_t key;
    std::uint32_t doc;
    std::uint32_t unused = 0;
    bool operator<(const Record& o) const { return key != o.key ? key < o.key : doc < o.doc; }
  };
  static_assert(sizeof(Record) == 16);

  // `memory_budget_bytes`: records held before a spill (0: never spill). `spill_parent`: where
  // the spill folder goes ("" = $TMPDIR, else /tmp).
  MinhashIndex(std::size_t bands, std::size_t memory_budget_bytes,
               std::filesystem::path spill_parent);
  ~MinhashIndex();

  // The next document in input order; returns its index. Its band keys (bands() of them), or
  // none: a document never a candidate (no words, or dropped upstream).
  std::uint32_t add(const std::uint64_t* band_keys);
  std::uint32_t add_without_keys();

  // Builds the clusters; call once, after the last add(): unite_band() of every band, then
  // settle().
  void resolve();
  bool resolved() const { return resolved_; }

  // The steps of resolve(), for a distributed run. unite_band() unites each document of the
  // band with the first document of its bucket, once per band, calling `visit` (if set) with
  // each bucket's key and first document, in key order; unite_band_until() does the buckets of
  // keys up to `last_key` and the next call goes on from there (the band is done, its memory
  // and runs freed, at the largest key). One band at a time. find() and unite() work on the
  // clusters so far (a union makes the smaller index the root); settle() fixes them.
  using BucketVisitor = std::function<void(std::uint64_t key, std::uint32_t first_doc)>;
  void unite_band(std::size_t band, const BucketVisitor& visit = {});
  void unite_band_until(std::size_t band, std::uint64_t last_key, const BucketVisitor& visit);
  std::uint32_t find(std::uint32_t doc);
  void unite(std::uint32_t a, std::uint32_t b);
  void settle();
  std::size_t bands() const { return buffers_.size(); }
  // After resolve(): the first document of `doc`'s cluster (doc itself when it survives), and
  // whether a surviving document has near-duplicates.
  std::uint32_t survivor(std::uint32_t doc) const { return parent_[doc]; }
  bool has_duplicates(std::uint32_t doc) const { return has_members_[doc]; }

  std::size_t documents() const { return parent_.size(); }
  std::size_t runs_spilled() const { return runs_; }

 private:
  std::uint32_t next_index();
  void spill();
  std::filesystem::path run_path(std::size_t band, std::size_t run) const;

  std::size_t memory_budget_records_;
  std::filesystem::path spill_parent_;
  std::unique_ptr<SpillFolder> spill_folder_;
  std::vector<std::vector<Record>> buffers_;  // per band
  std::size_t buffered_ = 0;
  std::size_t runs_ = 0;  // spilled per band
  std::vector<std::uint32_t> parent_;
  std::vector<bool> has_members_;
  bool resolved_ = false;
  class BandMerge;
  std::unique_ptr<BandMerge> merge_;  // the band unite_band_until() is in
  std::size_t merge_band_ = 0;
};

}  // namespace loom::dedup
