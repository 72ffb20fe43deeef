#include "url_digest_index.hpp"

#include <stdexcept>

namespace loom::dedup {
namespace {

XXH128_hash_t hash_of(std::string_view s) { return XXH3_128bits(s.data(), s.size()); }

}  // namespace

void UrlDigestIndex::observe(std::string_view file, std::string_view url, std::string_view digest) {
  if (decided_) throw std::logic_error("UrlDigestIndex::observe after decide");
  const auto [file_it, new_file] = file_index_.try_emplace(hash_of(file), files_.size());
  if (new_file) files_.emplace_back();
  FileDict& dict = files_[file_it->second];
  const XXH128_hash_t url_hash = hash_of(url), digest_hash = hash_of(digest);
  const auto [it, new_url] = dict.position.try_emplace(url_hash, dict.entries.size());
  if (new_url)
    dict.entries.emplace_back(url_hash, digest_hash);
  else
    dict.entries[it->second].second = digest_hash;  // the last line for a URL wins
}

void UrlDigestIndex::decide() {
  if (decided_) throw std::logic_error("UrlDigestIndex::decide called twice");
  decided_ = true;
  HashSet seen_digests;
  for (FileDict& dict : files_) {
    for (const auto& [url, digest] : dict.entries)
      if (seen_digests.insert(digest).second) kept_urls_.insert(url);
    dict = FileDict{};  // no longer needed: free it as we go
  }
  files_.clear();
  file_index_.clear();
}

std::vector<std::pair<XXH128_hash_t, std::uint64_t>> UrlDigestIndex::first_digests() const {
  std::vector<std::pair<XXH128_hash_t, std::uint64_t>> firsts;
  HashSet seen;
  std::uint64_t walked = 0;
  for (const FileDict& dict : files_)
    for (const auto& entry : dict.entries) {
      if (seen.insert(entry.second).second) firsts.emplace_back(entry.second, walked);
      ++walked;
    }
  return firsts;
}

void UrlDigestIndex::decide_digests(const std::vector<bool>& won) {
  if (decided_) throw std::logic_error("UrlDigestIndex::decide_digests after decide");
  HashSet seen;
  std::size_t first = 0;
  for (const FileDict& dict : files_)
    for (const auto& [url, digest] : dict.entries) {
      if (!seen.insert(digest).second) continue;
      if (first >= won.size()) throw std::logic_error("UrlDigestIndex::decide_digests: too few");
      if (won[first++]) kept_urls_.insert(url);
    }
}

std::vector<std::pair<XXH128_hash_t, bool>> UrlDigestIndex::urls() const {
  std::vector<std::pair<XXH128_hash_t, bool>> all;
  HashSet seen;
  for (const FileDict& dict : files_)
    for (const auto& entry : dict.entries)
      if (seen.insert(entry.first).second)
        all.emplace_back(entry.first, kept_urls_.contains(entry.first));
  return all;
}

void UrlDigestIndex::keep_urls(const std::vector<XXH128_hash_t>& kept) {
  if (decided_) throw std::logic_error("UrlDigestIndex::keep_urls after decide");
  decided_ = true;
  kept_urls_ = HashSet(kept.begin(), kept.end());
  files_.clear();
  file_index_.clear();
}

std::vector<XXH128_hash_t> UrlDigestIndex::file_hashes() const {
  std::vector<XXH128_hash_t> hashes;
  for (const auto& entry : file_index_) hashes.push_back(entry.first);
  return hashes;
}

bool UrlDigestIndex::keeps(std::string_view url) const {
  if (!decided_) throw std::logic_error("UrlDigestIndex::keeps before decide");
  return kept_urls_.contains(hash_of(url));
}

}  // namespace loom::dedup
