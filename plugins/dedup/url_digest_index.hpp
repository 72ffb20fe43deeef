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
// URLs and digests are held as XXH3-128 hashes (32 bytes per distinct pair and file).
#pragma once

#include <xxhash.h>

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace loom::dedup {

class UrlDigestIndex {
 public:
  // Phase 1, one call per record in input order. `file` names the record's input file; files are
  // walked in the order they first appear (their records need not be contiguous).
  void observe(std::string_view file, std::string_view url, std::string_view digest);

  // Phase 2: decides which URLs are kept. Call once, after the last observe().
  void decide();

  // After decide(): whether records with this URL are kept.
  bool keeps(std::string_view url) const;

  // The same decision over the ranks of a distributed run, where each rank observed whole files
  // and the job walks the ranks' files in rank order (url_digest_dedup.cpp drives the exchange):
  // 1. first_digests(): the digest of each entry that is its digest's first here, with its
  //    index in this rank's walk, in walk order;
  // 2. decide_digests(won): won[k] says the k-th of those is the job's first entry of its
  //    digest; its URL is kept here;
  // 3. urls(): every distinct URL here, with whether this rank keeps it;
  // 4. keep_urls(kept): the URLs the job keeps (any rank kept them); the index is decided.
  std::vector<std::pair<XXH128_hash_t, std::uint64_t>> first_digests() const;
  void decide_digests(const std::vector<bool>& won);
  std::vector<std::pair<XXH128_hash_t, bool>> urls() const;
  void keep_urls(const std::vector<XXH128_hash_t>& kept);
  // The hashes of the files observed (to check that no file spans ranks).
  std::vector<XXH128_hash_t> file_hashes() const;

  std::size_t files() const { return files_.size(); }
  std::size_t kept_urls() const { return kept_urls_.size(); }

 private:
  struct HashOf {
    std::size_t operator()(const XXH128_hash_t& h) const { return h.low64; }
  };
  struct Same {
    bool operator()(const XXH128_hash_t& a, const XXH128_hash_t& b) const {
      return XXH128_isEqual(a, b) != 0;
    }
  };
  using HashSet = std::unordered_set<XXH128_hash_t, HashOf, Same>;

  // A Python dict url -> digest: insertion order of each URL's first occurrence.
  struct FileDict {
    std::vector<std::pair<XXH128_hash_t, XXH128_hash_t>> entries;
    std::unordered_map<XXH128_hash_t, std::size_t, HashOf, Same> position;
  };

  std::unordered_map<XXH128_hash_t, std::size_t, HashOf, Same> file_index_;
  std::vector<FileDict> files_;
  HashSet kept_urls_;
  bool decided_ = false;
};

}  // namespace loom::dedup
