// UrlDigestIndex: the decision of RedPajama's exact document dedup (data_prep/cc/dedup/
// dedup_phase1.py and dedup_phase2.py), apart from reading and writing files.
//
// Phase 1 lists "<url> <digest>" for every record of every input file. Phase 2 builds, per file,
// a dict url -> digest (a URL repeated within a file keeps its first position and its last
// digest), walks the files in order and, for each (url, digest) of a file's dict whose digest
// was not seen before, marks the digest seen and the URL kept. A record is kept iff its URL was
// kept: copies with the same URL and digest in two files are all kept, copies of one digest
// under another URL are removed, and so are the other records of a URL whose (last) digest in
// its file was already seen.
//
// URLs and digests are held as XXH3-128 hashes: one 48-byte record per observed record (file,
// position, URL, digest) within the memory budget, sorted runs on disk past it; the decision
// sorts them by (file, URL) to build the dicts and by (file, first position) to walk them, and
// keeps the digests seen and the URLs kept in SpillingKeyMaps (half the budget each).
#pragma once

#include <xxhash.h>

#include <spill/external_sorter.hpp>
#include <spill/spilling_key_map.hpp>

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace loom::dedup {

class UrlDigestIndex {
 public:
  static constexpr std::size_t kDefaultBudget = std::size_t{512} << 20;
  // `memory_budget_bytes`: for the observed records, and as much again for the decision's sets
  // of digests and URLs; past it, sorted runs in a spill folder under `spill_parent` ("" =
  // $TMPDIR, else /tmp). I/O errors throw std::runtime_error naming the file.
  explicit UrlDigestIndex(std::size_t memory_budget_bytes = kDefaultBudget,
                          std::filesystem::path spill_parent = {});

  // Phase 1, one call per record in input order. `file` names the record's input file; files are
  // walked in the order they first appear (their records need not be contiguous).
  void observe(std::string_view file, std::string_view url, std::string_view digest);

  // Phase 2: decides which URLs are kept. Call once, after the last observe().
  void decide();

  // After decide(): whether records with this URL are kept.
  bool keeps(std::string_view url) const;

  // The same decision over the ranks of a distributed run, where each rank observed whole files
  // and the job walks the ranks' files in rank order (url_digest_exchange.hpp drives it). Every
  // list is handed over as a walk in key order, so the exchange can go in key-range parts:
  // 1. index_for_exchange(): one walk noting each digest's first entry here (its index in this
  //    rank's walk) and every distinct URL (half the budget each, the rest on disk);
  // 2. walk_first_digests(): (digest, walk index) in digest order; won_digest(digest, index) for
  //    each that is the job's first entry of its digest;
  // 3. keep_won(): one walk noting the URLs of the won entries (kept here);
  // 4. walk_urls(): this rank's distinct URLs in URL order, with kept_here(url);
  //    keep_url(url) for each the job keeps (any rank kept it);
  // 5. end_exchange(): the index is decided.
  void index_for_exchange();
  spill::SortedWalk walk_first_digests();
  void won_digest(const spill::Key128& digest, std::uint64_t walked);
  void keep_won();
  spill::SortedWalk walk_urls();
  bool kept_here(const spill::Key128& url) const;
  void keep_url(const spill::Key128& url);
  void end_exchange();
  // After index_for_exchange(): how many digests have a first entry here, and distinct URLs.
  std::uint64_t first_digest_count() const { return first_digests_ ? first_digests_->size() : 0; }
  std::uint64_t url_count() const { return urls_ ? urls_->size() : 0; }
  // The hashes of the files observed (to check that no file spans ranks).
  std::vector<XXH128_hash_t> file_hashes() const;

  std::size_t files() const { return file_index_.size(); }
  std::uint64_t records() const { return observed_count_; }
  std::size_t kept_urls() const { return kept_urls_ ? kept_urls_->size() : 0; }

 private:
  struct HashOf {
    std::size_t operator()(const XXH128_hash_t& h) const { return h.low64; }
  };
  struct Same {
    bool operator()(const XXH128_hash_t& a, const XXH128_hash_t& b) const {
      return XXH128_isEqual(a, b) != 0;
    }
  };
  // One observed record; in the walk, one dict entry (its first position, its last digest).
  struct Observed {
    std::uint64_t position;
    std::uint32_t file;  // in order of first appearance
    std::uint32_t unused = 0;
    spill::Key128 url, digest;
  };
  struct ByFileUrlPosition {
    bool operator()(const Observed& a, const Observed& b) const;
  };
  struct ByFilePosition {
    bool operator()(const Observed& a, const Observed& b) const;
  };
  using Observations = spill::ExternalSorter<Observed, ByFileUrlPosition>;
  using Walk = spill::ExternalSorter<Observed, ByFilePosition>;

  // Builds the files' dicts in walk order (once), then calls visit(entry) for each entry.
  template <class Visit>
  void walk(Visit&& visit);
  void build_walk();
  void end_walk();
  std::unique_ptr<spill::SpillingKeyMap> new_set() const;

  std::size_t memory_budget_bytes_;
  std::filesystem::path spill_parent_;
  std::unordered_map<XXH128_hash_t, std::uint32_t, HashOf, Same> file_index_;
  std::uint64_t observed_count_ = 0;
  std::unique_ptr<Observations> observed_;
  std::unique_ptr<Walk> walk_;            // the dicts, when the observations were spilled
  std::vector<Observed> walk_in_memory_;  // else
  bool walk_built_ = false;
  std::unique_ptr<spill::SpillingKeyMap> kept_urls_;
  bool decided_ = false;
  // Across ranks (steps 1 to 4 above): digest -> first walk index here, the distinct URLs, the
  // won digests (-> their walk index) and the URLs kept here.
  std::unique_ptr<spill::SpillingKeyMap> first_digests_, urls_, won_, kept_here_;
};

}  // namespace loom::dedup
