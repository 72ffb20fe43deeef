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

bool UrlDigestIndex::keeps(std::string_view url) const {
  if (!decided_) throw std::logic_error("UrlDigestIndex::keeps before decide");
  return kept_urls_.contains(hash_of(url));
}

}  // namespace loom::dedup
