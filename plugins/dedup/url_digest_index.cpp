#include "url_digest_index.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace loom::dedup {
namespace {

XXH128_hash_t hash_of(std::string_view s) { return XXH3_128bits(s.data(), s.size()); }
spill::Key128 key_of(const XXH128_hash_t& h) { return {h.high64, h.low64}; }
XXH128_hash_t hash_of(const spill::Key128& k) { return {k.low, k.high}; }

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

std::vector<std::pair<XXH128_hash_t, std::uint64_t>> UrlDigestIndex::first_digests() {
  std::vector<std::pair<XXH128_hash_t, std::uint64_t>> firsts;
  const std::unique_ptr<spill::SpillingKeyMap> seen = new_set();
  std::uint64_t walked = 0;
  walk([&](const Observed& entry) {
    if (seen->insert(entry.digest)) firsts.emplace_back(hash_of(entry.digest), walked);
    ++walked;
  });
  return firsts;
}

void UrlDigestIndex::decide_digests(const std::vector<bool>& won) {
  if (decided_) throw std::logic_error("UrlDigestIndex::decide_digests after decide");
  const std::unique_ptr<spill::SpillingKeyMap> seen = new_set();
  kept_urls_ = new_set();
  std::size_t first = 0;
  walk([&](const Observed& entry) {
    if (!seen->insert(entry.digest)) return;
    if (first >= won.size()) throw std::logic_error("UrlDigestIndex::decide_digests: too few");
    if (won[first++]) kept_urls_->insert(entry.url);
  });
}

std::vector<std::pair<XXH128_hash_t, bool>> UrlDigestIndex::urls() {
  std::vector<std::pair<XXH128_hash_t, bool>> all;
  const std::unique_ptr<spill::SpillingKeyMap> seen = new_set();
  walk([&](const Observed& entry) {
    if (seen->insert(entry.url))
      all.emplace_back(hash_of(entry.url), kept_urls_ && kept_urls_->find(entry.url).has_value());
  });
  return all;
}

void UrlDigestIndex::keep_urls(const std::vector<XXH128_hash_t>& kept) {
  if (decided_) throw std::logic_error("UrlDigestIndex::keep_urls after decide");
  decided_ = true;
  kept_urls_ = new_set();
  for (const XXH128_hash_t& url : kept) kept_urls_->insert(key_of(url));
  end_walk();
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
