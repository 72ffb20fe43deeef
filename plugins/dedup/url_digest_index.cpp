#include "url_digest_index.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace loom::dedup {
namespace {

XXH128_hash_t hash_of(std::string_view s) { return XXH3_128bits(s.data(), s.size()); }
spill::Key128 key_of(const XXH128_hash_t& h) { return {h.high64, h.low64}; }

constexpr const char* kWho = "url_digest_dedup";

}  // namespace

bool UrlDigestIndex::ByFileUrlPosition::operator()(const Observed& a, const Observed& b) const {
  return std::tie(a.file, a.url, a.position) < std::tie(b.file, b.url, b.position);
}

bool UrlDigestIndex::ByFilePosition::operator()(const Observed& a, const Observed& b) const {
  return std::tie(a.file, a.position) < std::tie(b.file, b.position);
}

UrlDigestIndex::UrlDigestIndex(std::size_t memory_budget_bytes, std::filesystem::path spill_parent)
    : memory_budget_bytes_(memory_budget_bytes), spill_parent_(std::move(spill_parent)) {}

std::unique_ptr<spill::SpillingKeyMap> UrlDigestIndex::new_set() const {
  return std::make_unique<spill::SpillingKeyMap>(memory_budget_bytes_ / 2, spill_parent_, kWho);
}

void UrlDigestIndex::observe(std::string_view file, std::string_view url, std::string_view digest) {
  if (decided_ || walk_built_) throw std::logic_error("UrlDigestIndex::observe after decide");
  if (!observed_)
    observed_ = std::make_unique<Observations>(memory_budget_bytes_, spill_parent_, kWho);
  const auto [it, new_file] =
      file_index_.try_emplace(hash_of(file), static_cast<std::uint32_t>(file_index_.size()));
  observed_->add(
      Observed{observed_count_++, it->second, 0, key_of(hash_of(url)), key_of(hash_of(digest))});
}

// Each (file, URL) becomes one entry at its first position with its last digest (a Python dict
// url -> digest), and the entries are put in walk order: files in order, then first position.
void UrlDigestIndex::build_walk() {
  if (walk_built_) return;
  walk_built_ = true;
  if (!observed_) return;
  if (!observed_->spilled()) {  // in place, in the observations' own buffer
    std::vector<Observed>& records = observed_->in_memory();
    std::sort(records.begin(), records.end(), ByFileUrlPosition{});
    std::size_t entries = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (entries != 0 && records[entries - 1].file == records[i].file &&
          records[entries - 1].url == records[i].url)
        records[entries - 1].digest = records[i].digest;  // the last line for a URL wins
      else
        records[entries++] = records[i];
    }
    records.resize(entries);
    std::sort(records.begin(), records.end(), ByFilePosition{});
    walk_in_memory_ = std::move(records);
  } else {
    walk_ = std::make_unique<Walk>(memory_budget_bytes_, spill_parent_, kWho);
    Observed entry{};
    bool have = false;
    observed_->for_each([&](const Observed& record) {
      if (have && entry.file == record.file && entry.url == record.url) {
        entry.digest = record.digest;
        return;
      }
      if (have) walk_->add(entry);
      entry = record;
      have = true;
    });
    if (have) walk_->add(entry);
  }
  observed_.reset();
}

template <class Visit>
void UrlDigestIndex::walk(Visit&& visit) {
  build_walk();
  if (walk_)
    walk_->for_each(visit);
  else
    for (const Observed& entry : walk_in_memory_) visit(entry);
}

void UrlDigestIndex::end_walk() {
  walk_.reset();
  walk_in_memory_ = {};
}

void UrlDigestIndex::decide() {
  if (decided_) throw std::logic_error("UrlDigestIndex::decide called twice");
  decided_ = true;
  const std::unique_ptr<spill::SpillingKeyMap> seen_digests = new_set();
  kept_urls_ = new_set();
  walk([&](const Observed& entry) {
    if (seen_digests->insert(entry.digest)) kept_urls_->insert(entry.url);
  });
  end_walk();
}

void UrlDigestIndex::index_for_exchange() {
  if (decided_ || first_digests_)
    throw std::logic_error("UrlDigestIndex::index_for_exchange twice");
  first_digests_ = new_set();
  urls_ = new_set();
  std::uint64_t walked = 0;
  walk([&](const Observed& entry) {
    first_digests_->insert(entry.digest, walked++);
    urls_->insert(entry.url);
  });
}

spill::SortedWalk UrlDigestIndex::walk_first_digests() {
  if (!first_digests_) throw std::logic_error("UrlDigestIndex: walk before index_for_exchange");
  if (!won_) won_ = new_set();
  return first_digests_->walk_sorted();
}

void UrlDigestIndex::won_digest(const spill::Key128& digest, std::uint64_t walked) {
  if (!won_) throw std::logic_error("UrlDigestIndex::won_digest before walk_first_digests");
  won_->insert(digest, walked);
}

// An entry is its digest's first here iff its walk index is the one noted for the digest.
void UrlDigestIndex::keep_won() {
  if (!won_ || kept_here_) throw std::logic_error("UrlDigestIndex::keep_won out of order");
  kept_here_ = new_set();
  std::uint64_t walked = 0;
  walk([&](const Observed& entry) {
    const std::optional<std::uint64_t> won = won_->find(entry.digest);
    if (won && *won == walked) kept_here_->insert(entry.url);
    ++walked;
  });
  end_walk();
  first_digests_.reset();
  won_.reset();
}

spill::SortedWalk UrlDigestIndex::walk_urls() {
  if (!kept_here_) throw std::logic_error("UrlDigestIndex::walk_urls before keep_won");
  if (!kept_urls_) kept_urls_ = new_set();
  return urls_->walk_sorted();
}

bool UrlDigestIndex::kept_here(const spill::Key128& url) const {
  return kept_here_->find(url).has_value();
}

void UrlDigestIndex::keep_url(const spill::Key128& url) {
  if (!kept_urls_) throw std::logic_error("UrlDigestIndex::keep_url before walk_urls");
  kept_urls_->insert(url);
}

void UrlDigestIndex::end_exchange() {
  if (decided_ || !kept_urls_) throw std::logic_error("UrlDigestIndex::end_exchange out of order");
  decided_ = true;
  urls_.reset();
  kept_here_.reset();
}

std::vector<XXH128_hash_t> UrlDigestIndex::file_hashes() const {
  std::vector<XXH128_hash_t> hashes;
  for (const auto& entry : file_index_) hashes.push_back(entry.first);
  return hashes;
}

bool UrlDigestIndex::keeps(std::string_view url) const {
  if (!decided_) throw std::logic_error("UrlDigestIndex::keeps before decide");
  return kept_urls_->find(key_of(hash_of(url))).has_value();
}

}  // namespace loom::dedup
